package dev.imagine.kernels.ops;

import java.util.Arrays;

/**
 * Plain-Java reference backend. Loops are ordered so the innermost one runs over contiguous memory
 * (i-k-j matmul), which lets the JIT vectorise without reordering any sum. Transcendentals use
 * StrictMath: Math.exp/tanh may be intrinsics whose last bit differs between machines.
 */
public final class ScalarTensorOps implements TensorOps {

    public static final ScalarTensorOps INSTANCE = new ScalarTensorOps();

    private static final float GELU_C = (float) StrictMath.sqrt(2.0 / StrictMath.PI);

    /** Per-thread scratch: one row of attention scores, one zero-padded conv plane. Grown, never shrunk. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private ScalarTensorOps() {}

    @Override
    public String backend() {
        return "scalar";
    }

    @Override
    public ExecutionMode executionMode() {
        return new ExecutionMode("cpu", true, 1, "plain Java reference");
    }

    @Override
    public Weight prepare(float[] w, int k, int n) {
        return new PlainWeight(w, k, n);
    }

    /** The weight as given: the reference streams rows of [k][n] directly. */
    public record PlainWeight(float[] original, int rows, int cols) implements Weight {
        public PlainWeight {
            if (original.length < (long) rows * cols) {
                throw new IllegalArgumentException("weight has " + original.length + " values, " + rows + "x" + cols
                        + " needs " + (long) rows * cols);
            }
        }
    }

    @Override
    public void matmul(float[] a, int m, Weight weight, float[] bias, float[] out) {
        int k = weight.rows();
        int n = weight.cols();
        float[] w = weight.original();
        for (int i = 0; i < m; i++) {
            int o = i * n;
            if (bias != null) {
                System.arraycopy(bias, 0, out, o, n);
            } else {
                Arrays.fill(out, o, o + n, 0f);
            }
        }
        // Four rows at a time share each streamed weight row; every out element still sums over
        // k in order, so the result equals the plain i-k-j loop bit for bit.
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int o0 = i * n;
            int o1 = o0 + n;
            int o2 = o1 + n;
            int o3 = o2 + n;
            int a0 = i * k;
            for (int kk = 0; kk < k; kk++) {
                float v0 = a[a0 + kk];
                float v1 = a[a0 + k + kk];
                float v2 = a[a0 + 2 * k + kk];
                float v3 = a[a0 + 3 * k + kk];
                int wo = kk * n;
                for (int j = 0; j < n; j++) {
                    float wv = w[wo + j];
                    out[o0 + j] += v0 * wv;
                    out[o1 + j] += v1 * wv;
                    out[o2 + j] += v2 * wv;
                    out[o3 + j] += v3 * wv;
                }
            }
        }
        for (; i < m; i++) {
            int o = i * n;
            int ai = i * k;
            for (int kk = 0; kk < k; kk++) {
                float av = a[ai + kk];
                int wo = kk * n;
                for (int j = 0; j < n; j++) {
                    out[o + j] += av * w[wo + j];
                }
            }
        }
    }

    @Override
    public void layerNorm(float[] x, int rows, int cols, float eps, float[] gamma, float[] beta, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                sum += x[o + j];
            }
            float mean = sum / cols;
            float sq = 0f;
            for (int j = 0; j < cols; j++) {
                float d = x[o + j] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / StrictMath.sqrt(sq / cols + eps));
            for (int j = 0; j < cols; j++) {
                float y = (x[o + j] - mean) * inv;
                if (gamma != null) {
                    y *= gamma[j];
                }
                if (beta != null) {
                    y += beta[j];
                }
                out[o + j] = y;
            }
        }
    }

    @Override
    public void layerNormModulate(float[] x, int batch, int rowsPerItem, int cols, float eps, float[] mod,
            int modStride, int shiftOffset, int scaleOffset, float[] out) {
        layerNorm(x, batch * rowsPerItem, cols, eps, null, null, out);
        for (int b = 0; b < batch; b++) {
            int shift = b * modStride + shiftOffset;
            int scale = b * modStride + scaleOffset;
            for (int r = 0; r < rowsPerItem; r++) {
                int o = (b * rowsPerItem + r) * cols;
                for (int j = 0; j < cols; j++) {
                    out[o + j] = out[o + j] * (1f + mod[scale + j]) + mod[shift + j];
                }
            }
        }
    }

    @Override
    public void gatedAdd(float[] x, float[] y, int batch, int rowsPerItem, int cols, float[] mod, int modStride,
            int gateOffset) {
        for (int b = 0; b < batch; b++) {
            int gate = b * modStride + gateOffset;
            for (int r = 0; r < rowsPerItem; r++) {
                int o = (b * rowsPerItem + r) * cols;
                for (int j = 0; j < cols; j++) {
                    x[o + j] += mod[gate + j] * y[o + j];
                }
            }
        }
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    @Override
    public void geluTanh(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float t = (float) StrictMath.tanh(GELU_C * (v + 0.044715f * v * v * v));
            x[i] = 0.5f * v * (1f + t);
        }
    }

    @Override
    public void silu(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            out[i] = (float) (v / (1.0 + StrictMath.exp(-v)));
        }
    }

    /** Softmax of each row of x[offset ..][rows][cols] in place, subtracting the row max first. */
    static void softmaxRows(float[] x, int offset, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = offset + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[o + j]);
            }
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) StrictMath.exp(x[o + j] - max);
                x[o + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) {
                x[o + j] *= inv;
            }
        }
    }

    /** The textbook form, one query row at a time: scores, softmax, weighted sum of values. */
    @Override
    public void attention(AttentionShape s, float[] q, float[] k, float[] v, float[] out) {
        int hidden = s.hidden();
        int headDim = s.headDim();
        float scale = (float) (1.0 / StrictMath.sqrt(headDim));
        float[] scores = scratch(0, s.kvTokens());
        for (int b = 0; b < s.batch(); b++) {
            int keys = s.validKeys(b);
            for (int h = 0; h < s.heads(); h++) {
                for (int i = 0; i < s.qTokens(); i++) {
                    int qRow = (b * s.qTokens() + i) * s.qStride() + s.qOffset() + h * headDim;
                    for (int j = 0; j < keys; j++) {
                        int kRow = (b * s.kvTokens() + j) * s.kStride() + s.kOffset() + h * headDim;
                        float dot = 0f;
                        for (int d = 0; d < headDim; d++) {
                            dot += q[qRow + d] * k[kRow + d];
                        }
                        scores[j] = dot * scale;
                    }
                    softmaxRows(scores, 0, 1, keys);
                    int o = (b * s.qTokens() + i) * hidden + h * headDim;
                    Arrays.fill(out, o, o + headDim, 0f);
                    for (int j = 0; j < keys; j++) {
                        float p = scores[j];
                        int vRow = (b * s.kvTokens() + j) * s.vStride() + s.vOffset() + h * headDim;
                        for (int d = 0; d < headDim; d++) {
                            out[o + d] += p * v[vRow + d];
                        }
                    }
                }
            }
        }
    }

    private static float[] scratch(int slot, int size) {
        float[][] buffers = SCRATCH.get();
        if (buffers[slot].length < size) {
            buffers[slot] = new float[size];
        }
        return buffers[slot];
    }

    @Override
    public void conv3x3(float[] in, int cin, int h, int w, float[] weight, float[] bias, int cout, float[] out) {
        int pw = w + 2;
        float[] scratch = scratch(1, (h + 2) * pw);
        int plane = h * w;
        for (int co = 0; co < cout; co++) {
            Arrays.fill(out, co * plane, (co + 1) * plane, bias == null ? 0f : bias[co]);
        }
        Arrays.fill(scratch, 0, (h + 2) * pw, 0f);
        for (int ci = 0; ci < cin; ci++) {
            // Zero-padded copy of this input channel, so the inner loop has no edge branches.
            for (int y = 0; y < h; y++) {
                System.arraycopy(in, ci * plane + y * w, scratch, (y + 1) * pw + 1, w);
            }
            for (int co = 0; co < cout; co++) {
                int wBase = (co * cin + ci) * 9;
                int oBase = co * plane;
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        float wv = weight[wBase + ky * 3 + kx];
                        for (int y = 0; y < h; y++) {
                            int src = (y + ky) * pw + kx;
                            int dst = oBase + y * w;
                            for (int x = 0; x < w; x++) {
                                out[dst + x] += wv * scratch[src + x];
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void upsampleBilinear2x(float[] in, int channels, int h, int w, float[] out) {
        int ow = 2 * w;
        int oh = 2 * h;
        for (int c = 0; c < channels; c++) {
            int src = c * h * w;
            int dst = c * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy >> 1;
                // Even outputs sit a quarter pixel before their source, odd ones a quarter after.
                int y1 = (oy & 1) == 0 ? Math.max(y0 - 1, 0) : Math.min(y0 + 1, h - 1);
                int r0 = src + y0 * w;
                int r1 = src + y1 * w;
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox >> 1;
                    int x1 = (ox & 1) == 0 ? Math.max(x0 - 1, 0) : Math.min(x0 + 1, w - 1);
                    float top = 0.75f * in[r0 + x0] + 0.25f * in[r0 + x1];
                    float bottom = 0.75f * in[r1 + x0] + 0.25f * in[r1 + x1];
                    out[dst + oy * ow + ox] = 0.75f * top + 0.25f * bottom;
                }
            }
        }
    }
}
