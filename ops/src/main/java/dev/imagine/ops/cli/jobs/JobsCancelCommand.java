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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imagine jobs cancel <id>}: one versioned transaction (record CANCELLED; lane entry, assignment and
 * lease removed). If the dispatcher or a worker moves the job first, the cancel re-reads and tries again.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a queued, dispatched or running job.")
public final class JobsCancelCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<id>")
    String id;

    @Option(names = "--reason", defaultValue = "cancelled by an operator", description = "Recorded in the job (default: ${DEFAULT-VALUE}).")
    String reason;

    @Override
    public Integer call() throws Exception {
        JobRecord was;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            JobStore store = cluster.store();
            was = JobLookup.transition(store, id, "cancelling", current -> {
                if (current.state().isTerminal()) {
                    throw new CliException("job " + id + " already ended " + current.state() + "; nothing to cancel", 2);
                }
                if (!current.state().canMoveTo(JobState.CANCELLED)) {
                    throw new CliException("job " + id + " is " + current.state() + ": its grid is being stored and it "
                            + "completes in a moment; nothing to cancel", 2);
                }
            }, job -> store.cancel(job, reason, System.currentTimeMillis()));
        }
        report(was);
        return 0;
    }

    private void report(JobRecord was) throws Exception {
        if (output.json) {
            output.printJson(Map.of("job", id, "was", was.state().name(), "state", JobState.CANCELLED.name()));
        } else {
            output.out().printf("Cancelled job %s (was %s%s)%n", id, was.state(),
                    was.slot() == null ? "" : " on slot " + was.slot());
        }
    }
}
