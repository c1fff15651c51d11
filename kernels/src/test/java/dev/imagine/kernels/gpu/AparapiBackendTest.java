package dev.imagine.kernels.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.Backends;
import dev.imagine.kernels.ops.ExecutionMode;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.ops.TensorBackend;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.ops.Weight;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Aparapi backend on whatever OpenCL device is here (PoCL in CI). With IMAGINE_REQUIRE_OPENCL=true
 * (system property or environment) a missing OpenCL device fails the test instead of skipping it: that is
 * how CI proves the OpenCL path ran. Shapes stay small: PoCL runs these kernels at a few GFLOP/s.
 */
class AparapiBackendTest {
    private static final ScalarTensorOps REF = ScalarTensorOps.INSTANCE;
    private static TensorOps ops;

    @BeforeAll
    static void openOnOpenCl() {
        TensorBackend backend = new AparapiBackend();
        TensorBackend.Availability availability = backend.probe();
        if (openClRequired()) {
            assertThat(availability.available())
                    .as("IMAGINE_REQUIRE_OPENCL=true but the Aparapi backend cannot run: %s", availability.reason())
                    .isTrue();
        }
        Assumptions.assumeTrue(availability.available(), () -> "no OpenCL here: " + availability.reason());
        ops = Backends.named(AparapiBackend.NAME, 2);
    }

    @AfterAll
    static void close() {
        if (ops != null) {
            ops.close();
        }
    }

    private static boolean openClRequired() {
        String value = System.getProperty("IMAGINE_REQUIRE_OPENCL", System.getenv("IMAGINE_REQUIRE_OPENCL"));
        return Boolean.parseBoolean(value);
    }

    private static float[] random(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static void assertClose(String what, float[] expected, float[] actual, int n) {
        assertThat(GpuCheck.maxRelativeError(expected, actual, n)).as(what).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void reportsTheOpenClDeviceItReallyRanOn() {
        ExecutionMode mode = ops.executionMode();
        OpenClDevices.Found device = OpenClDevices.discover().chosen();
        assertThat(ops.backend()).isEqualTo("aparapi");
        assertThat(mode.device()).startsWith("OpenCL ").contains(device.device().getName().trim());
        // PoCL runs the kernels on the host's cores: not acceleration, and the mode says so
        assertThat(mode.accelerated()).isEqualTo(device.gpu());
        assertThat(mode.toString().contains("not accelerated")).isEqualTo(!device.gpu());
        assertThat(mode.detail()).contains("verified by a check dispatch");
        assertThat(new AparapiBackend().priority()).isEqualTo(device.gpu() ? 200 : 10);
        assertThat(new AparapiBackend().probe().reason()).contains(device.describe());
    }

    @Test
    void matmulMatchesTheReferenceForInterleavedWeights() {
        int m = 37;
        int k = 70;
        int[] widths = {65, 128};
        Weight[] mine = new Weight[widths.length];
        Weight[] theirs = new Weight[widths.length];
        for (int i = 0; i < widths.length; i++) {
            float[] w = random(10 + i, k * widths[i]);
            mine[i] = ops.prepare(w, k, widths[i]);
            theirs[i] = REF.prepare(w, k, widths[i]);
        }
        float[] a = random(1, m * k);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < widths.length; i++) {
                int n = widths[i];
                float[] bias = round == 0 ? random(20 + i, n) : null;
                float[] expected = new float[m * n];
                float[] actual = new float[m * n];
                REF.matmul(a, m, theirs[i], bias, expected);
                ops.matmul(a, m, mine[i], bias, actual);
                assertClose("matmul weight " + i + " round " + round, expected, actual, m * n);
            }
        }
        // A weight prepared after products ran is uploaded with the arena before the next one.
        float[] late = random(30, k * 9);
        float[] expected = new float[m * 9];
        float[] actual = new float[m * 9];
        REF.matmul(a, m, REF.prepare(late, k, 9), null, expected);
        ops.matmul(a, m, ops.prepare(late, k, 9), null, actual);
        assertClose("matmul with a weight prepared late", expected, actual, m * 9);
    }

    @Test
    void weightsSurviveTheArenaDroppingUnreferencedOnes() {
        int m = 5;
        int k = 12;
        float[] kept = random(40, k * 7);
        Weight keptWeight = ops.prepare(kept, k, 7);
        ops.prepare(random(41, k * 300), k, 300);
        float[] a = random(42, m * k);
        float[] actual = new float[m * 7];
        ops.matmul(a, m, keptWeight, null, actual);
        System.gc();
        float[] later = random(43, k * 3);
        Weight laterWeight = ops.prepare(later, k, 3);
        ops.matmul(a, m, keptWeight, null, actual);
        float[] expected = new float[m * 7];
        REF.matmul(a, m, REF.prepare(kept, k, 7), null, expected);
        assertClose("kept weight after compaction", expected, actual, m * 7);
        float[] laterActual = new float[m * 3];
        float[] laterExpected = new float[m * 3];
        ops.matmul(a, m, laterWeight, null, laterActual);
        REF.matmul(a, m, REF.prepare(later, k, 3), null, laterExpected);
        assertClose("weight prepared after compaction", laterExpected, laterActual, m * 3);
        assertThat(keptWeight.original()).containsExactly(kept);
    }

    @Test
    void attentionMatchesTheReferenceWhateverArraysHoldKeysAndValues() {
        AttentionShape self = AttentionShape.selfAttention(2, 70, 2, 16);
        float[] qkv = random(3, 2 * 70 * 96);
        float[] expected = new float[2 * 70 * 32];
        float[] actual = new float[expected.length];
        REF.attention(self, qkv, qkv, qkv, expected);
        ops.attention(self, qkv, qkv, qkv, actual);
        assertClose("self-attention over packed qkv", expected, actual, expected.length);

        int[] lengths = {5, 40, 1};
        AttentionShape cross = AttentionShape.crossAttention(3, 9, 40, 2, 16, lengths);
        float[] q = random(4, 3 * 9 * 32);
        float[] kv = random(5, 3 * 40 * 64);
        float[] expectedCross = new float[3 * 9 * 32];
        float[] actualCross = new float[expectedCross.length];
        REF.attention(cross, q, kv, kv, expectedCross);
        ops.attention(cross, q, kv, kv, actualCross);
        assertClose("masked cross-attention", expectedCross, actualCross, expectedCross.length);

        // Keys and values in two arrays of their own, neither the query array.
        AttentionShape split = new AttentionShape(3, 2, 16, 9, 40, 32, 0, 32, 0, 32, 0, lengths);
        float[] k = random(6, 3 * 40 * 32);
        float[] v = random(7, 3 * 40 * 32);
        REF.attention(split, q, k, v, expectedCross);
        ops.attention(split, q, k, v, actualCross);
        assertClose("attention with separate k and v arrays", expectedCross, actualCross, expectedCross.length);
    }

    @Test
    void inPlaceCallsAndLongerOutputsKeepWhatTheyDoNotWrite() {
        float[] x = random(8, 3 * 20);
        float[] expected = x.clone();
        REF.layerNorm(expected, 3, 20, 1e-6f, null, null, expected);
        float[] actual = x.clone();
        ops.layerNorm(actual, 3, 20, 1e-6f, null, null, actual);
        assertClose("in-place layerNorm", expected, actual, x.length);

        float[] silu = x.clone();
        REF.silu(expected, expected, x.length);
        ops.silu(actual, actual, x.length);
        assertClose("in-place silu", expected, actual, x.length);

        REF.add(expected, expected, x.length);
        ops.add(actual, actual, x.length);
        assertClose("x += x", expected, actual, x.length);

        float[] longer = new float[x.length + 5];
        Arrays.fill(longer, 7f);
        ops.silu(silu, longer, x.length);
        assertThat(Arrays.copyOfRange(longer, x.length, longer.length)).containsOnly(7f);
    }

    @Test
    void refusesResultsFromAparapisJavaFallback() {
        UntranslatableKernel kernel = new UntranslatableKernel(OpenClDevices.discover().chosen().device());
        try {
            kernel.out = new float[] {9f, 9f, 9f, 9f};
            assertThatThrownBy(() -> kernel.dispatch(OpenClKernel.range1D(4, 4)))
                    .isInstanceOf(OpenClFallbackException.class)
                    .hasMessageContaining("UntranslatableKernel did not run on OpenCL device")
                    .hasMessageContaining("fallback");
            assertThat(kernel.out).containsOnly(9f);
        } finally {
            kernel.dispose();
        }
    }
}
