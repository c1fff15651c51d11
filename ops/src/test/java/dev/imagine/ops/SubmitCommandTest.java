package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imagine submit} against a running local system, output captured as an operator would see it. */
class SubmitCommandTest {
    @TempDir
    static Path var;
    static LocalCluster cluster;

    @BeforeAll
    static void startSystem() throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 1, 1, ModelPreset.TINY, "v8",
                Duration.ofSeconds(3))).start();
        cluster.awaitReady(1, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopSystem() {
        cluster.close();
    }

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void printsTheIdFollowsProgressAndSavesTheGrid() throws Exception {
        Path out = var.resolve("grids");
        CliRun run = run("submit", "--api", cluster.apiUrl(), "--api-key", cluster.devApiKey(), "--out", out.toString(), "a red fox in snow --ar 3:2 --seed 7");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher submitted = Pattern.compile("^Submitted job (\\S+) \\(seed 7\\)", Pattern.MULTILINE).matcher(run.out());
        assertThat(submitted.find()).as(run.out()).isTrue();
        assertThat(run.out()).contains("COMPLETED on worker-1").contains("] 4/4 steps");
        Path grid = out.resolve(submitted.group(1) + ".png");
        assertThat(run.out()).contains("Saved 160x96 grid to " + grid);
        assertThat(Files.readAllBytes(grid)).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    @Test
    void badPromptIsOneLineWithTheApisMessageAndExitCode2() {
        CliRun run = run("submit", "--api", cluster.apiUrl(), "--api-key", cluster.devApiKey(), "a fox --ar 0:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n")
                .startsWith("error: the API refused (400): --ar must be W:H");
    }

    @Test
    void unknownKeyIsOneLineWithTheApisMessage() {
        CliRun run = run("submit", "--api", cluster.apiUrl(), "--api-key", "imk_" + "0".repeat(64), "a fox");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("error: the API refused (401): the API key is not valid");
    }

    @Test
    void unreachableApiSaysHowToFixIt() {
        CliRun run = run("submit", "--api", "http://127.0.0.1:1", "--api-key", cluster.devApiKey(), "a fox");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("Couldn't reach the API at http://127.0.0.1:1; is `ops/imagine up` running?");
    }
}
