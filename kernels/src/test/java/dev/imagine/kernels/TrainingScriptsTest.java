package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The training code's Python tests (training/tests: the checker on 2,000 rendered images, the vocabulary, and a
 * run stopped and resumed with --resume giving the uninterrupted run's weights), run with Debian's PyTorch.
 * ops/test installs it and sets IMAGINE_REQUIRE_TORCH, so in CI a missing PyTorch fails rather than skips.
 */
class TrainingScriptsTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path TRAINING = Path.of("..", "training").toAbsolutePath().normalize();

    @Test
    void theTrainingCodesOwnTestsPass() throws Exception {
        boolean required = Boolean.parseBoolean(System.getenv("IMAGINE_REQUIRE_TORCH"));
        boolean present = Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy")
                .redirectErrorStream(true).start().waitFor() == 0;
        if (!required) {
            Assumptions.assumeTrue(present, "no PyTorch under /usr/bin/python3 (ops/test installs python3-torch)");
        }
        assertThat(present).as("PyTorch under /usr/bin/python3").isTrue();
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), "-m", "unittest", "discover", "-s", "tests", "-v")
                .directory(TRAINING.toFile()).redirectErrorStream(true);
        pb.environment().putIfAbsent("OPENBLAS_CORETYPE", Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f")
                ? "SkylakeX" : "Haswell");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("OK");
    }
}
