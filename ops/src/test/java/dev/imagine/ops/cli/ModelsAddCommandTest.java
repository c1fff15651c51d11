package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.ops.CliRun;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models add}: a cluster serving only v8 learns v6; unknown and known versions are refused. */
class ModelsAddCommandTest {
    @TempDir
    static Path dir;
    static ZkOnly zk;

    @BeforeAll
    static void start() throws Exception {
        zk = new ZkOnly(dir, List.of("v8"));
    }

    @AfterAll
    static void stop() {
        zk.close();
    }

    @Test
    void addsAVersionTheBuildHasWeightsFor() {
        CliRun run = CliRun.run("models", "add", "--zk", zk.zk(), "v6");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo(
                "Added model v6 to the ModelAffinity state model (state V6); the planner can now load it on slots");
        assertThat(CliRun.run("models", "list", "--zk", zk.zk()).out()).containsPattern("v6\\s+V6").containsPattern("v8\\s+V8");
        assertThat(CliRun.run("models", "add", "--zk", zk.zk(), "v6").err()).contains("already in the ModelAffinity state model");
    }

    @Test
    void refusesAVersionWithoutWeights() {
        CliRun run = CliRun.run("models", "add", "--zk", zk.zk(), "v10");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: this build has no weights for 'v10' (it has upscaler, v6, v8, v9); "
                + "add them to the kernels' ModelRegistry first");
    }
}
