package dev.imagine.kernels.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.kernels.SplitMix64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every available backend against the scalar reference, op by op over several shapes (odd sizes
 * included), and against itself at several thread counts (same bits). A failure names the backend,
 * the op and the shape.
 */
class BackendConformanceTest {
    private static final TensorOps REF = ScalarTensorOps.INSTANCE;

    static Stream<String> backends() {
        // The reference is included too: it must at least agree with itself across thread counts.
        return Backends.all().stream().map(TensorBackend::name);
    }

    private static TensorOps open(String name, int threads) {
        TensorBackend backend = Backends.all().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
        TensorBackend.Availability availability = backend.probe();
        Assumptions.assumeTrue(availability.available(), () -> name + " not available here: " + availability.reason());
        return backend.create(threads);
    }

    private static float[] random(long seed, int n) {
        return new SplitMix64(seed).gaussians(n, 1.0);
    }

    /** Relative-to-magnitude closeness: backends may reorder sums (FMA, vector lanes, tiles). */
    private static void assertClose(String what, float[] expected, float[] actual, int n, double tolerance) {
        double scale = 1e-3;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        for (int i = 0; i < n; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            if (!(diff <= tolerance * scale)) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]
                        + " (|diff| " + diff + " > " + tolerance + " x " + scale + ")");
            }
        }
    }

    static final List<int[]> MATMUL_SHAPES = List.of(
            new int[] {1, 1, 1}, new int[] {3, 5, 7}, new int[] {8, 16, 32}, new int[] {13, 37, 29},
            new int[] {64, 128, 384}, new int[] {33, 96, 17}, new int[] {128, 64, 256}, new int[] {200, 72, 130},
            // DiT-like depth (k = hidden 1152) with few rows, and odd sizes past several tiles of the vector backend
            new int[] {7, 1152, 70}, new int[] {97, 515, 161});

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matmulMatchesTheReference(String name) {
        try (TensorOps ops = open(name, 2)) {
            for (int[] s : MATMUL_SHAPES) {
                int m = s[0];
                int k = s[1];
                int n = s[2];
                float[] a = random(m * 31L + k, m * k);
                float[] w = random(n * 17L + k, k * n);
                float[] bias = random(n, n);
                float[] expected = new float[m * n];
                float[] actual = new float[m * n];
                java.util.Arrays.fill(actual, Float.NaN);
                REF.matmul(a, m, REF.prepare(w, k, n), bias, expected);
                ops.matmul(a, m, ops.prepare(w, k, n), bias, actual);
                assertClose(name + " matmul m=" + m + " k=" + k + " n=" + n, expected, actual, m * n, 1e-5);
                REF.matmul(a, m, REF.prepare(w, k, n), null, expected);
                ops.matmul(a, m, ops.prepare(w, k, n), null, actual);
                assertClose(name + " matmul (no bias) m=" + m + " k=" + k + " n=" + n, expected, actual, m * n, 1e-5);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void attentionMatchesTheReference(String name) {
        try (TensorOps ops = open(name, 2)) {
            int[][] selfShapes = {{1, 1, 1, 8}, {2, 5, 2, 16}, {8, 64, 4, 32}, {3, 77, 3, 24}, {2, 256, 2, 64},
                    {2, 70, 3, 72}}; // headDim 72 as in DiT-XL (1152 / 16 heads), queries past one block
            for (int[] s : selfShapes) {
                AttentionShape shape = AttentionShape.selfAttention(s[0], s[1], s[2], s[3]);
                checkAttention(name, ops, shape, "self b=" + s[0] + " t=" + s[1] + " h=" + s[2] + " d=" + s[3]);
            }
            int[][] crossShapes = {{2, 16, 7, 2, 16}, {8, 64, 77, 4, 32}, {3, 9, 5, 1, 40},
                    {2, 40, 77, 2, 72}}; // 77 text tokens: more than one key block, last one partial
            for (int[] s : crossShapes) {
                int[] lengths = new int[s[0]];
                for (int b = 0; b < s[0]; b++) {
                    lengths[b] = 1 + (b * 7 + 3) % s[2];
                }
                AttentionShape shape = AttentionShape.crossAttention(s[0], s[1], s[2], s[3], s[4], lengths);
                checkAttention(name, ops, shape, "cross b=" + s[0] + " q=" + s[1] + " kv=" + s[2] + " h=" + s[3] + " d=" + s[4]);
            }
        }
    }

    private static void checkAttention(String name, TensorOps ops, AttentionShape shape, String label) {
        float[] q = random(label.hashCode(), shape.batch() * shape.qTokens() * shape.qStride());
        float[] kv = random(label.hashCode() + 1L, shape.batch() * shape.kvTokens() * Math.max(shape.kStride(), shape.vStride()));
        float[] k = shape.qStride() == shape.kStride() ? q : kv;
        int outSize = shape.batch() * shape.qTokens() * shape.hidden();
        float[] expected = new float[outSize];
        float[] actual = new float[outSize];
        REF.attention(shape, q, k, k == q ? q : kv, expected);
        ops.attention(shape, q, k, k == q ? q : kv, actual);
        assertClose(name + " attention " + label, expected, actual, outSize, 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void normsActivationsAndResidualsMatchTheReference(String name) {
        try (TensorOps ops = open(name, 2)) {
            int[][] shapes = {{1, 1, 8}, {2, 7, 33}, {8, 64, 128}, {3, 5, 1152}};
            for (int[] s : shapes) {
                int batch = s[0];
                int rows = s[1];
                int cols = s[2];
                int n = batch * rows * cols;
                String label = " b=" + batch + " rows=" + rows + " cols=" + cols;
                float[] x = random(n, n);
                float[] mod = random(n + 1L, batch * 6 * cols);
                float[] gamma = random(cols, cols);
                float[] beta = random(cols + 1L, cols);
                float[] expected = new float[n];
                float[] actual = new float[n];

                REF.layerNorm(x, batch * rows, cols, 1e-6f, gamma, beta, expected);
                ops.layerNorm(x, batch * rows, cols, 1e-6f, gamma, beta, actual);
                assertClose(name + " layerNorm" + label, expected, actual, n, 1e-5);

                REF.layerNormModulate(x, batch, rows, cols, 1e-6f, mod, 6 * cols, cols, 2 * cols, expected);
                ops.layerNormModulate(x, batch, rows, cols, 1e-6f, mod, 6 * cols, cols, 2 * cols, actual);
                assertClose(name + " layerNormModulate" + label, expected, actual, n, 1e-5);

                float[] y = random(n + 2L, n);
                float[] xr = x.clone();
                float[] xa = x.clone();
                REF.gatedAdd(xr, y, batch, rows, cols, mod, 6 * cols, 5 * cols);
                ops.gatedAdd(xa, y, batch, rows, cols, mod, 6 * cols, 5 * cols);
                assertClose(name + " gatedAdd" + label, xr, xa, n, 1e-6);
                REF.add(xr, y, n);
                ops.add(xa, y, n);
                assertClose(name + " add" + label, xr, xa, n, 1e-6);

                float[] gr = x.clone();
                float[] ga = x.clone();
                REF.geluTanh(gr, n);
                ops.geluTanh(ga, n);
                assertClose(name + " gelu" + label, gr, ga, n, 1e-5);
                REF.silu(x, expected, n);
                ops.silu(x, actual, n);
                assertClose(name + " silu" + label, expected, actual, n, 1e-5);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void convolutionAndUpsampleMatchTheReference(String name) {
        try (TensorOps ops = open(name, 2)) {
            int[][] shapes = {{1, 1, 1, 1}, {4, 8, 8, 16}, {3, 5, 7, 2}, {16, 32, 24, 8},
                    {8, 17, 19, 50}}; // pixel panels crossing image rows, channel blocks with a remainder
            for (int[] s : shapes) {
                int cin = s[0];
                int h = s[1];
                int w = s[2];
                int cout = s[3];
                String label = " cin=" + cin + " " + h + "x" + w + " cout=" + cout;
                float[] in = random(cin * 7L + h, cin * h * w);
                float[] weight = random(cout * 3L + w, cout * cin * 9);
                float[] bias = random(cout, cout);
                float[] expected = new float[cout * h * w];
                float[] actual = new float[cout * h * w];
                REF.conv3x3(in, cin, h, w, weight, bias, cout, expected);
                ops.conv3x3(in, cin, h, w, weight, bias, cout, actual);
                assertClose(name + " conv3x3" + label, expected, actual, expected.length, 1e-5);
                float[] up = new float[cin * 4 * h * w];
                float[] upActual = new float[up.length];
                REF.upsampleBilinear2x(in, cin, h, w, up);
                ops.upsampleBilinear2x(in, cin, h, w, upActual);
                assertClose(name + " upsample" + label, up, upActual, up.length, 1e-6);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameBitsWhateverTheThreadCount(String name) {
        int m = 100;
        int k = 96;
        int n = 200;
        float[] a = random(1, m * k);
        float[] w = random(2, k * n);
        AttentionShape shape = AttentionShape.selfAttention(4, 50, 2, 48);
        float[] qkv = random(3, 4 * 50 * 3 * 96);
        float[][] matmuls = new float[3][m * n];
        float[][] attentions = new float[3][4 * 50 * 96];
        int[] threadCounts = {1, 2, 3};
        for (int t = 0; t < threadCounts.length; t++) {
            try (TensorOps ops = open(name, threadCounts[t])) {
                ops.matmul(a, m, ops.prepare(w, k, n), null, matmuls[t]);
                ops.attention(shape, qkv, qkv, qkv, attentions[t]);
            }
        }
        for (int t = 1; t < threadCounts.length; t++) {
            assertThat(matmuls[t]).as(name + " matmul with " + threadCounts[t] + " threads vs 1").isEqualTo(matmuls[0]);
            assertThat(attentions[t]).as(name + " attention with " + threadCounts[t] + " threads vs 1").isEqualTo(attentions[0]);
        }
    }
}
