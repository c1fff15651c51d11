package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.ops.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs show}: the record as ZooKeeper holds it. */
class JobsShowCommandTest {
    @TempDir
    static Path dir;
    static ZkOnly zk;

    @BeforeAll
    static void start() throws Exception {
        zk = new ZkOnly(dir, ModelRegistry.versions());
        zk.submit("s-1", Lane.TURBO, "v6");
        zk.dispatch("s-1", "cpu-local_w_3");
    }

    @AfterAll
    static void stop() {
        zk.close();
    }

    @Test
    void showsStateSpecAndSlot() {
        CliRun run = CliRun.run("jobs", "show", "--zk", zk.zk(), "s-1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("job       s-1 (user tester)")
                .contains("state     DISPATCHED")
                .contains("prompt    a fox s-1")
                .contains("model     v6, turbo lane, seed 7, --ar 1:1, --q 1.0")
                .contains("slot      cpu-local_w_3 on - (attempt 0), step 0/0");
    }

    @Test
    void jsonIsTheRecord() throws Exception {
        CliRun run = CliRun.run("jobs", "show", "--zk", zk.zk(), "s-1", "--json");

        assertThat(new ObjectMapper().readTree(run.out()).path("state").asText()).isEqualTo(JobState.DISPATCHED.name());
    }
}
