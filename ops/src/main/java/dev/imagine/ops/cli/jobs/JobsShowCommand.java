package dev.imagine.ops.cli.jobs;

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

/** {@code imagine jobs show <id>}: the job record as ZooKeeper holds it. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "A job's record: state, spec, slot, worker, timings.")
public final class JobsShowCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<id>")
    String id;

    @Override
    public Integer call() throws Exception {
        JobRecord job;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            job = JobLookup.require(cluster.store(), id).value();
        }
        if (output.json) {
            output.printJson(job);
            return 0;
        }
        PrintWriter out = output.out();
        out.printf("job       %s (user %s)%n", job.id(), job.user());
        out.printf("state     %s%s%n", job.state(), job.error() == null ? "" : " (" + job.error() + ")");
        out.printf("prompt    %s%n", job.spec().prompt());
        out.printf("model     %s, %s lane, seed %d, --ar %d:%d, --q %s%n", job.spec().modelVersion(),
                job.spec().lane().pathName(), job.spec().seed(), job.spec().aspectWidth(), job.spec().aspectHeight(),
                job.spec().quality());
        out.printf("slot      %s on %s (attempt %d), step %d/%d%n", orDash(job.slot()), orDash(job.worker()),
                job.attempts(), job.step(), job.totalSteps());
        out.printf("submitted %s%n", Instant.ofEpochMilli(job.submittedAtMillis()));
        if (job.completedAtMillis() > 0) {
            out.printf("ended     %s (%d ms after submission)%n", Instant.ofEpochMilli(job.completedAtMillis()),
                    job.completedAtMillis() - job.submittedAtMillis());
        }
        if (job.imagePath() != null) {
            out.printf("grid      %s (%dx%d)%n", job.imagePath(), job.imageWidth(), job.imageHeight());
        }
        return 0;
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
