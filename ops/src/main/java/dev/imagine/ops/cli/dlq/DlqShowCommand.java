package dev.imagine.ops.cli.dlq;

import dev.imagine.core.job.Attempt;
import dev.imagine.core.job.DeadLetter;
import dev.imagine.core.job.JobRecord;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code imagine dlq show <job>}: one dead letter's whole context: spec, every attempt's slot, times and error. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "One dead letter with its full context.")
public final class DlqShowCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<job>")
    String id;

    @Override
    public Integer call() throws Exception {
        DeadLetter letter;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            letter = cluster.store().deadLetter(id).orElseThrow(() -> DlqCommand.noSuchLetter(id));
        }
        if (output.json) {
            output.printJson(letter);
            return 0;
        }
        PrintWriter out = output.out();
        out.printf("job       %s (user %s), dead since %s%n", letter.jobId(), letter.user(),
                Instant.ofEpochMilli(letter.deadAtMillis()));
        out.printf("reason    %s%n", letter.reason());
        JobRecord job = letter.job();
        if (job == null) {
            return 0;
        }
        out.printf("prompt    %s%n", job.spec().prompt());
        out.printf("model     %s, %s lane, seed %d%n", job.spec().modelVersion(), job.spec().lane().pathName(),
                job.spec().seed());
        out.printf("submitted %s%n", Instant.ofEpochMilli(job.submittedAtMillis()));
        for (Attempt attempt : job.history()) {
            out.printf("attempt %d on %s (%s): dispatched %s, started %s, ended %s: %s%n", attempt.number(),
                    attempt.slot(), attempt.worker() == null ? "never claimed" : attempt.worker(),
                    time(attempt.dispatchedAtMillis()), time(attempt.startedAtMillis()), time(attempt.endedAtMillis()),
                    attempt.outcome());
        }
        return 0;
    }

    private static String time(long millis) {
        return millis == 0 ? "-" : Instant.ofEpochMilli(millis).toString();
    }
}
