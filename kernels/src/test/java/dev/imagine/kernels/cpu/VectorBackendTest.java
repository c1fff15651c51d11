package dev.imagine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.kernels.SplitMix64;
import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.Backends;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.ops.TensorBackend;
import dev.imagine.kernels.ops.TensorOps;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VectorBackendTest {

    private static float[] random(long seed, int n) {
        return new SplitMix64(seed).gaussians(n, 1.0);
    }

    @Test
    void probeNamesTheVectorWidthAndServiceLoaderFindsIt() {
        TensorBackend.Availability availability = new VectorBackend().probe();
        assertThat(availability.available()).as(availability.reason()).isTrue();
        assertThat(availability.reason()).contains("Vector API").contains("-bit");
        assertThat(Backends.all()).extracting(TensorBackend::name).contains("vector");
    }

    @Test
    void executionModeReportsTheThreadsItUses() {
        try (TensorOps ops = new VectorBackend().create(3)) {
            assertThat(ops.backend()).isEqualTo("vector");
            assertThat(ops.executionMode().threads()).isEqualTo(3);
            assertThat(ops.executionMode().accelerated()).isTrue();
            assertThat(ops.executionMode().detail()).contains("FMA");
        }
    }

    @Test
    void closeStopsTheWorkerThreads() throws InterruptedException {
        VectorTensorOps ops = new VectorTensorOps(3);
        assertThat(workerThreads()).isGreaterThanOrEqualTo(2);
        int before = workerThreads();
        ops.close();
        long deadline = System.currentTimeMillis() + 2_000;
        while (workerThreads() > before - 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(workerThreads()).isLessThanOrEqualTo(before - 2);
    }

    private static int workerThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("imagine-vector-") && t.isAlive()).count();
    }

    @Test
    void rejectsAWeightPreparedByAnotherBackend() {
        try (TensorOps ops = new VectorTensorOps(1)) {
            var foreign = ScalarTensorOps.INSTANCE.prepare(new float[6], 2, 3);
            assertThatThrownBy(() -> ops.matmul(new float[2], 1, foreign, null, new float[3]))
                    .hasMessageContaining("not prepared by the vector backend");
        }
    }

    @Test
    void largeOddMatmulMatchesTheReference() {
        int m = 97;
        int k = 1153;
        int n = 1187;
        float[] a = random(11, m * k);
        float[] w = random(12, k * n);
        float[] bias = random(13, n);
        float[] expected = new float[m * n];
        float[] actual = new float[m * n];
        ScalarTensorOps.INSTANCE.matmul(a, m, ScalarTensorOps.INSTANCE.prepare(w, k, n), bias, expected);
        try (TensorOps ops = new VectorTensorOps(2)) {
            ops.matmul(a, m, ops.prepare(w, k, n), bias, actual);
        }
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) Math.abs(expected[i] - actual[i]))
                    .as("vector matmul m=%d k=%d n=%d element %d", m, k, n, i).isLessThanOrEqualTo(1e-5 * scale);
        }
    }

    /** The ops the conformance test checks for bits only on matmul and attention. */
    @Test
    void convolutionNormsAndActivationsGiveTheSameBitsAtAnyThreadCount() {
        int cin = 16;
        int h = 40;
        int w = 44;
        int cout = 20;
        float[] in = random(21, cin * h * w);
        float[] weight = random(22, cout * cin * 9);
        float[] bias = random(23, cout);
        int rows = 300;
        int cols = 384;
        float[] x = random(24, rows * cols);
        float[] mod = random(25, 2 * 6 * cols);
        float[][] results = new float[3][];
        for (int t = 1; t <= 3; t++) {
            try (TensorOps ops = new VectorTensorOps(t)) {
                float[] conv = new float[cout * h * w];
                ops.conv3x3(in, cin, h, w, weight, bias, cout, conv);
                float[] up = new float[cin * 4 * h * w];
                ops.upsampleBilinear2x(in, cin, h, w, up);
                float[] norm = new float[rows * cols];
                ops.layerNormModulate(x, 2, rows / 2, cols, 1e-6f, mod, 6 * cols, 0, cols, norm);
                ops.gatedAdd(norm, x, 2, rows / 2, cols, mod, 6 * cols, 2 * cols);
                ops.geluTanh(norm, norm.length);
                float[] silu = new float[rows * cols];
                ops.silu(norm, silu, silu.length);
                results[t - 1] = concat(conv, up, norm, silu);
            }
        }
        assertThat(results[1]).as("vector conv/norm/activations, 2 threads vs 1").isEqualTo(results[0]);
        assertThat(results[2]).as("vector conv/norm/activations, 3 threads vs 1").isEqualTo(results[0]);
    }

    @Test
    void crossAttentionWithHeadDim72AndPaddedKeysMatchesTheReference() {
        int[] lengths = {77, 1, 40};
        AttentionShape shape = AttentionShape.crossAttention(3, 130, 77, 4, 72, lengths);
        float[] q = random(31, 3 * 130 * shape.qStride());
        float[] kv = random(32, 3 * 77 * shape.kStride());
        float[] expected = new float[3 * 130 * shape.hidden()];
        float[] actual = new float[expected.length];
        Arrays.fill(actual, Float.NaN);
        ScalarTensorOps.INSTANCE.attention(shape, q, kv, kv, expected);
        try (TensorOps ops = new VectorTensorOps(2)) {
            ops.attention(shape, q, kv, kv, actual);
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) Math.abs(expected[i] - actual[i]))
                    .as("vector cross attention d=72 element %d", i).isLessThanOrEqualTo(1e-5);
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
