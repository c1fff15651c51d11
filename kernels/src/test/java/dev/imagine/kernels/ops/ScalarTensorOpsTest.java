package dev.imagine.kernels.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.imagine.kernels.SplitMix64;
import org.junit.jupiter.api.Test;

/** The reference backend against the textbook formulas; the other backends are held to this one. */
class ScalarTensorOpsTest {

    private final TensorOps ops = ScalarTensorOps.INSTANCE;

    private static float[] random(long seed, int n) {
        return new SplitMix64(seed).gaussians(n, 1.0);
    }

    @Test
    void matmulMatchesTheNaiveTripleLoop() {
        int m = 7; // not a multiple of the 4-row block
        int k = 5;
        int n = 6;
        float[] a = random(1, m * k);
        float[] w = random(2, k * n);
        float[] bias = random(3, n);
        float[] out = new float[m * n];
        ops.matmul(a, m, ops.prepare(w, k, n), bias, out);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = bias[j];
                for (int kk = 0; kk < k; kk++) {
                    sum += a[i * k + kk] * w[kk * n + j];
                }
                assertThat(out[i * n + j]).isCloseTo((float) sum, offset(1e-4f));
            }
        }
    }

    @Test
    void matmulWithoutBiasOverwritesStaleOutput() {
        float[] out = {9, 9, 9, 9};
        ops.matmul(new float[] {1, 2}, 1, ops.prepare(new float[] {1, 0, 0, 1}, 2, 2), null, out);
        assertThat(out).containsExactly(1, 2, 9, 9);
    }

    @Test
    void softmaxRowsSumToOneAndKeepOrder() {
        float[] x = random(4, 3 * 5);
        float[] before = x.clone();
        ScalarTensorOps.softmaxRows(x, 0, 3, 5);
        for (int r = 0; r < 3; r++) {
            float sum = 0;
            for (int j = 0; j < 5; j++) {
                sum += x[r * 5 + j];
                assertThat(x[r * 5 + j]).isPositive();
            }
            assertThat(sum).isCloseTo(1f, offset(1e-5f));
            assertThat(Float.compare(x[r * 5], x[r * 5 + 1])).isEqualTo(Float.compare(before[r * 5], before[r * 5 + 1]));
        }
    }

    @Test
    void softmaxSubtractsTheMaxSoLargeLogitsStayFinite() {
        float[] x = {1000f, 1001f, 999f};
        ScalarTensorOps.softmaxRows(x, 0, 1, 3);
        assertThat(x[1]).isCloseTo((float) (1 / (1 + Math.exp(-1) + Math.exp(-2))), offset(1e-6f));
        assertThat(x[0] + x[1] + x[2]).isCloseTo(1f, offset(1e-6f));
    }

    @Test
    void attentionMatchesADirectComputation() {
        int batch = 2;
        int tokens = 3;
        int heads = 2;
        int hd = 4;
        int hidden = heads * hd;
        float[] qkv = random(5, batch * tokens * 3 * hidden);
        float[] out = new float[batch * tokens * hidden];
        ops.attention(AttentionShape.selfAttention(batch, tokens, heads, hd), qkv, qkv, qkv, out);

        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tokens; i++) {
                    double[] p = new double[tokens];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tokens; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) {
                            dot += qkv[((b * tokens + i) * 3) * hidden + h * hd + d]
                                    * qkv[((b * tokens + j) * 3) * hidden + hidden + h * hd + d];
                        }
                        p[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, p[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < tokens; j++) {
                        p[j] = Math.exp(p[j] - max);
                        z += p[j];
                    }
                    for (int d = 0; d < hd; d++) {
                        double expected = 0;
                        for (int j = 0; j < tokens; j++) {
                            expected += p[j] / z * qkv[((b * tokens + j) * 3) * hidden + 2 * hidden + h * hd + d];
                        }
                        assertThat(out[(b * tokens + i) * hidden + h * hd + d]).isCloseTo((float) expected, offset(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void layerNormGivesZeroMeanAndUnitVariancePerRow() {
        int rows = 4;
        int cols = 64;
        float[] x = random(6, rows * cols);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 3f + 5f;
        }
        float[] out = new float[x.length];
        ops.layerNorm(x, rows, cols, 1e-6f, null, null, out);
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            double sq = 0;
            for (int j = 0; j < cols; j++) {
                mean += out[r * cols + j];
            }
            mean /= cols;
            for (int j = 0; j < cols; j++) {
                sq += (out[r * cols + j] - mean) * (out[r * cols + j] - mean);
            }
            assertThat(mean).isCloseTo(0, offset(1e-5));
            assertThat(sq / cols).isCloseTo(1, offset(1e-4));
        }
    }

    @Test
    void layerNormModulateAndGatedAddUseEachItemsVectorsAndAddIsElementwise() {
        // 2 items x 1 row x 2 cols; mod per item = shift | scale | gate
        float[] x = {1, 2, 3, 4};
        float[] mod = {10, 20, 1, 0, 2, 2, /* item 1 */ 0, 0, -1, -1, 0.5f, 0};
        // layer norm of [1, 2] is [-1, 1] (up to eps), of [3, 4] likewise
        ops.layerNormModulate(x, 2, 1, 2, 0f, mod, 6, 0, 2, x);
        assertThat(x).containsExactly(8, 21, 0, 0);
        ops.gatedAdd(x, new float[] {1, 1, 1, 1}, 2, 1, 2, mod, 6, 4);
        assertThat(x).containsExactly(10, 23, 0.5f, 0);
        ops.add(x, new float[] {1, 2, 3, 4}, 3);
        assertThat(x).containsExactly(11, 25, 3.5f, 0);
    }

    @Test
    void geluAndSiluMatchTheirFormulas() {
        float[] g = {-3, -1, 0, 0.5f, 2};
        float[] s = g.clone();
        float[] in = g.clone();
        ops.geluTanh(g, g.length);
        ops.silu(s, s, s.length);
        for (int i = 0; i < in.length; i++) {
            double v = in[i];
            double gelu = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            assertThat(g[i]).isCloseTo((float) gelu, offset(1e-6f));
            assertThat(s[i]).isCloseTo((float) (v / (1 + Math.exp(-v))), offset(1e-6f));
        }
    }

    @Test
    void conv3x3MatchesADirectZeroPaddedConvolution() {
        int cin = 2;
        int cout = 3;
        int h = 4;
        int w = 5;
        float[] in = random(7, cin * h * w);
        float[] weight = random(8, cout * cin * 9);
        float[] bias = random(9, cout);
        float[] out = new float[cout * h * w];
        ops.conv3x3(in, cin, h, w, weight, bias, cout, out);
        for (int co = 0; co < cout; co++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double sum = bias[co];
                    for (int ci = 0; ci < cin; ci++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int yy = y + ky - 1;
                                int xx = x + kx - 1;
                                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                    sum += weight[((co * cin + ci) * 3 + ky) * 3 + kx] * in[(ci * h + yy) * w + xx];
                                }
                            }
                        }
                    }
                    assertThat(out[(co * h + y) * w + x]).isCloseTo((float) sum, offset(1e-4f));
                }
            }
        }
    }

    @Test
    void bilinearUpsampleMatchesAlignCornersFalse() {
        float[] in = {0, 4}; // 1 x 2
        float[] out = new float[2 * 4];
        ops.upsampleBilinear2x(in, 1, 1, 2, out);
        // PyTorch: F.interpolate([[0, 4]], scale_factor=2, mode="bilinear") -> [0, 1, 3, 4] on both rows
        assertThat(out).containsExactly(0, 1, 3, 4, 0, 1, 3, 4);
    }

    @Test
    void crossAttentionMasksPaddedKeys() {
        // One query, two keys; the second is padding for item 0 only.
        int hd = 2;
        float[] q = {1, 0, /* item 1 */ 1, 0};
        float[] kv = {1, 0, 10, 20, /* key 1 */ 5, 0, 30, 40, /* item 1 */ 1, 0, 10, 20, 5, 0, 30, 40};
        float[] out = new float[4];
        ops.attention(AttentionShape.crossAttention(2, 1, 2, 1, hd, new int[] {1, 2}), q, kv, kv, out);
        assertThat(out[0]).isEqualTo(10f);
        assertThat(out[1]).isEqualTo(20f);
        double p1 = 1 / (1 + Math.exp((1 - 5) / Math.sqrt(hd)));
        assertThat(out[2]).isCloseTo((float) (10 * (1 - p1) + 30 * p1), offset(1e-4f));
    }
}
