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

/** {@code jobs cancel}: queued and dispatched jobs end CANCELLED and leave nothing behind. */
class JobsCancelCommandTest {
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
    void queuedJobIsCancelledAndLeavesItsLane() throws Exception {
        zk.submit("c-1", Lane.RELAX, "v8");

        CliRun run = CliRun.run("jobs", "cancel", "--zk", zk.zk(), "c-1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("Cancelled job c-1 (was QUEUED)");
        assertThat(zk.store.get("c-1").orElseThrow().value().state()).isEqualTo(JobState.CANCELLED);
        assertThat(zk.store.laneEntries(Lane.RELAX)).extracting(LaneEntry::jobId).doesNotContain("c-1");
    }

    @Test
    void dispatchedJobIsCancelledAndItsAssignmentRemoved() throws Exception {
        zk.submit("c-2", Lane.FAST, "v8");
        zk.dispatch("c-2", "cpu-local_w_1");

        CliRun run = CliRun.run("jobs", "cancel", "--zk", zk.zk(), "c-2", "--reason", "user asked");

        assertThat(run.out().strip()).isEqualTo("Cancelled job c-2 (was DISPATCHED on slot cpu-local_w_1)");
        assertThat(zk.store.assignments("cpu-local_w_1")).isEmpty();
        assertThat(zk.store.get("c-2").orElseThrow().value().error()).isEqualTo("user asked");
    }

    @Test
    void endedJobCannotBeCancelled() throws Exception {
        zk.submit("c-3", Lane.FAST, "v8");
        CliRun.run("jobs", "cancel", "--zk", zk.zk(), "c-3");

        CliRun again = CliRun.run("jobs", "cancel", "--zk", zk.zk(), "c-3");

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().strip()).isEqualTo("error: job c-3 already ended CANCELLED; nothing to cancel");
    }

    @Test
    void unknownJobIsOneLine() {
        CliRun run = CliRun.run("jobs", "cancel", "--zk", zk.zk(), "nope");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: no job 'nope' in ZooKeeper");
    }
}
