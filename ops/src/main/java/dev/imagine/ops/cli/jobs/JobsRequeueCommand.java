package dev.imagine.ops.cli.jobs;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.JobStore;
import dev.imagine.ops.cli.CliException;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code imagine jobs requeue <id>}: takes a dispatched or running job from its slot (e.g. a hung worker)
 * and puts it at the front of its lane, same seed. The worker's next write then fails and it stops.
 */
@Command(name = "requeue", mixinStandardHelpOptions = true,
        description = "Move a dispatched or running job back to the front of its lane (same seed).")
public final class JobsRequeueCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<id>")
    String id;

    @Override
    public Integer call() throws Exception {
        JobRecord was;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            JobStore store = cluster.store();
            was = JobLookup.transition(store, id, "re-queueing", current -> {
                if (current.state() == JobState.QUEUED) {
                    throw new CliException("job " + id + " is already QUEUED; nothing to requeue", 2);
                }
                if (current.state().isTerminal()) {
                    throw new CliException("job " + id + " ended " + current.state() + "; a job that used up its attempts "
                            + "is replayed with `imagine dlq replay " + id + "`", 2);
                }
                if (!current.state().canMoveTo(JobState.QUEUED)) {
                    throw new CliException("job " + id + " is " + current.state() + " and cannot be re-queued", 2);
                }
            }, job -> store.requeue(job, "re-queued by an operator", System.currentTimeMillis()));
        }
        if (output.json) {
            output.printJson(Map.of("job", id, "was", was.state().name(), "state", JobState.QUEUED.name()));
        } else {
            output.out().printf("Re-queued job %s at the front of its lane (was %s on slot %s)%n", id, was.state(),
                    was.slot());
        }
        return 0;
    }
}
