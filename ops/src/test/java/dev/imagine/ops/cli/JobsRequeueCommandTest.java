package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.ops.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs requeue}: a dispatched job goes back to the front of its lane; queued and ended ones are refused. */
class JobsRequeueCommandTest {
    @TempDir
    static Path dir;
    static ZkOnly zk;

    @BeforeAll
    static void start() throws Exception {
        zk = new ZkOnly(dir, ModelRegistry.versions());
    }

    @AfterAll
    static void stop() {
        zk.close();
    }

    @Test
    void dispatchedJobGoesToTheFrontOfItsLane() throws Exception {
        zk.submit("r-1", Lane.FAST, "v8");
        zk.submit("r-2", Lane.FAST, "v8");
        zk.dispatch("r-1", "cpu-local_w_0");

        CliRun run = CliRun.run("jobs", "requeue", "--zk", zk.zk(), "r-1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("Re-queued job r-1 at the front of its lane (was DISPATCHED on slot cpu-local_w_0)");
        assertThat(zk.store.get("r-1").orElseThrow().value().state()).isEqualTo(JobState.QUEUED);
        assertThat(zk.store.laneEntries(Lane.FAST)).extracting(LaneEntry::jobId).startsWith("r-1", "r-2");
        assertThat(zk.store.assignments("cpu-local_w_0")).isEmpty();
    }

    @Test
    void queuedJobIsAlreadyQueued() throws Exception {
        zk.submit("r-3", Lane.RELAX, "v8");

        CliRun run = CliRun.run("jobs", "requeue", "--zk", zk.zk(), "r-3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: job r-3 is already QUEUED; nothing to requeue");
    }

    @Test
    void endedJobPointsToTheDlq() throws Exception {
        zk.submit("r-4", Lane.RELAX, "v8");
        zk.store.cancel(zk.store.get("r-4").orElseThrow(), "test", 1);

        CliRun run = CliRun.run("jobs", "requeue", "--zk", zk.zk(), "r-4");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("ended CANCELLED; a job that used up its attempts is replayed with `imagine dlq replay r-4`");
    }
}
