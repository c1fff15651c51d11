package dev.imagine.kernels;

/**
 * The numeric kernels the DiT and the decoder are written against, so that a faster backend
 * (Vector API, GPU) can replace {@link ScalarTensorOps} without touching the network code.
 *
 * <p>All tensors are dense row-major float arrays. Linear weights are stored [in][out] (the
 * transpose of PyTorch's nn.Linear) so that the reference matmul streams them contiguously. Images
 * are channel-first [c][h][w]. Implementations must be deterministic: every output element is
 * accumulated in a fixed order, independent of threads.
 */
interface TensorOps {

    /** out[m][n] = a[m][k] * w[k][n] + bias[n]; bias may be null. */
    void matmul(float[] a, int m, int k, float[] w, float[] bias, int n, float[] out);

    /** Row-wise layer norm without affine terms (adaLN supplies them): (x - mean) / sqrt(var + eps). */
    void layerNorm(float[] x, int rows, int cols, float eps, float[] out);

    /**
     * adaLN modulation in place: x = x * (1 + scale) + shift. The rows come in batch groups of
     * rowsPerItem; item b reads shift at mod[b * modStride + shiftOffset ..] and scale likewise.
     */
    void modulate(float[] x, int batch, int rowsPerItem, int cols, float[] mod, int modStride,
            int shiftOffset, int scaleOffset);

    /** Gated residual: x += gate * y, gate addressed per batch item as in {@link #modulate}. */
    void gatedAdd(float[] x, float[] y, int batch, int rowsPerItem, int cols, float[] mod, int modStride,
            int gateOffset);

    /** x[i] += y[i] for i < n. */
    void add(float[] x, float[] y, int n);

    /** GELU, tanh approximation, in place. */
    void geluTanh(float[] x, int n);

    /** out = x * sigmoid(x); out may be x. */
    void silu(float[] x, float[] out, int n);

    /** Softmax of each row of x[offset ..][rows][cols] in place, subtracting the row max first. */
    void softmaxRows(float[] x, int offset, int rows, int cols);

    /**
     * Multi-head self-attention, softmax(q k^T / sqrt(headDim)) v per item and head.
     *
     * @param qkv     [batch * tokens][3 * heads * headDim], q | k | v, each head-major inside
     * @param out     [batch * tokens][heads * headDim]
     * @param scratch at least {@link #attentionScratchSize} floats
     */
    void attention(float[] qkv, int batch, int tokens, int heads, int headDim, float[] out, float[] scratch);

    static int attentionScratchSize(int tokens, int headDim) {
        return tokens * tokens + headDim * tokens;
    }

    /**
     * 3x3 convolution, stride 1, zero padding 1: in [cin][h][w], weight [cout][cin][3][3], out
     * [cout][h][w]; scratch at least (h + 2) * (w + 2) floats.
     */
    void conv3x3(float[] in, int cin, int h, int w, float[] weight, float[] bias, int cout, float[] out,
            float[] scratch);

    /** Bilinear 2x upsample (PyTorch align_corners=false): [c][h][w] to [c][2h][2w]. */
    void upsampleBilinear2x(float[] in, int channels, int h, int w, float[] out);
}
