package dev.imagine.ops.cli.dlq;

import dev.imagine.core.job.DeadLetter;
import dev.imagine.core.zk.JobStore;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imagine dlq replay <job>|--all}: each dead letter back to the front of its lane with its attempts reset
 * (same seed, history kept), in one transaction per job. Replaying a letter that another operator replayed or
 * dropped meanwhile is reported, not an error.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run dead letters again: back to the front of their lane, attempts reset.")
public final class DlqReplayCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
        @Parameters(index = "0", paramLabel = "<job>", description = "The dead letter's job id.")
        String id;

        @Option(names = "--all", description = "Every dead letter.")
        boolean all;
    }

    @Override
    public Integer call() throws Exception {
        List<String> replayed = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            JobStore store = cluster.store();
            List<String> ids = new ArrayList<>();
            if (which.all) {
                store.deadLetters().forEach(letter -> ids.add(letter.jobId()));
            } else {
                DeadLetter letter = store.deadLetter(which.id).orElseThrow(() -> DlqCommand.noSuchLetter(which.id));
                ids.add(letter.jobId());
            }
            for (String id : ids) {
                (store.replay(id, System.currentTimeMillis()) ? replayed : moved).add(id);
            }
        }
        if (output.json) {
            output.printJson(Map.of("replayed", replayed, "skipped", moved));
        } else {
            replayed.forEach(id -> output.out().printf("Replayed job %s: back at the front of its lane%n", id));
            moved.forEach(id -> output.out().printf("Skipped job %s: replayed or dropped meanwhile%n", id));
            if (replayed.isEmpty() && moved.isEmpty()) {
                output.out().println("No dead letters.");
            }
        }
        return 0;
    }
}
