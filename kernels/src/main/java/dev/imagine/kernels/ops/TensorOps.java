package dev.imagine.kernels.ops;

/**
 * The numeric kernels the DiT, the text encoder, the decoder and the upscaler are written against.
 * {@link ScalarTensorOps} is the plain reference; faster backends (Vector API, Aparapi/OpenCL, a
 * TornadoVM backend where an operator has its SDK) are tested against it, op by op and shape by shape.
 *
 * <p>Layout: dense row-major float arrays. Linear weights are [in][out] (the transpose of PyTorch's
 * {@code nn.Linear}) and are handed over once through {@link #prepare}, so a backend can pack or upload
 * them. Images are channel-first [c][h][w].
 *
 * <p>Determinism: for a given backend, every output element is accumulated in an order that depends
 * only on the shapes, never on the thread count or on scheduling; so the same inputs give the same
 * bits. Backends may differ from each other in the last bits (FMA, summation order).
 *
 * <p>Allocation: backends keep their own scratch space and grow it as needed, so that a sampling
 * loop that reuses its buffers allocates nothing per step.
 */
public interface TensorOps extends AutoCloseable {

    /** Short backend name: "scalar", "vector", "aparapi". */
    String backend();

    /** What really executes the kernels (device, threads, fallbacks), as measured, not as asked. */
    ExecutionMode executionMode();

    /** Prepares a weight matrix w[k][n] for repeated products; the backend may copy, pack or upload it. */
    Weight prepare(float[] w, int k, int n);

    /** out[m][n] = a[m][k] · w[k][n] + bias[n]; bias may be null. */
    void matmul(float[] a, int m, Weight w, float[] bias, float[] out);

    /**
     * Row-wise layer norm: (x - mean) / sqrt(var + eps), then * gamma + beta when they are not null.
     */
    void layerNorm(float[] x, int rows, int cols, float eps, float[] gamma, float[] beta, float[] out);

    /**
     * adaLN, fused: out = LN(x) * (1 + scale) + shift, where rows come in batch groups of rowsPerItem and
     * item b reads shift at mod[b * modStride + shiftOffset ..] and scale at mod[b * modStride + scaleOffset ..].
     */
    void layerNormModulate(float[] x, int batch, int rowsPerItem, int cols, float eps, float[] mod, int modStride,
            int shiftOffset, int scaleOffset, float[] out);

    /** Gated residual: x += gate * y, the gate addressed per batch item as in {@link #layerNormModulate}. */
    void gatedAdd(float[] x, float[] y, int batch, int rowsPerItem, int cols, float[] mod, int modStride,
            int gateOffset);

    /** x[i] += y[i] for i < n. */
    void add(float[] x, float[] y, int n);

    /** GELU, tanh approximation, in place. */
    void geluTanh(float[] x, int n);

    /** out = x * sigmoid(x); out may be x. */
    void silu(float[] x, float[] out, int n);

    /**
     * Multi-head scaled dot-product attention, softmax(q·kᵀ / sqrt(headDim))·v, without materialising the
     * full score matrix where the backend can help it. See {@link AttentionShape} for addressing.
     *
     * @param out [batch * qTokens][heads * headDim]
     */
    void attention(AttentionShape shape, float[] q, float[] k, float[] v, float[] out);

    /** 3x3 convolution, stride 1, zero padding 1: in [cin][h][w], weight [cout][cin][3][3], out [cout][h][w]. */
    void conv3x3(float[] in, int cin, int h, int w, float[] weight, float[] bias, int cout, float[] out);

    /** Bilinear 2x upsample (PyTorch align_corners=false): [c][h][w] to [c][2h][2w]. */
    void upsampleBilinear2x(float[] in, int channels, int h, int w, float[] out);

    /** Releases threads or device memory; the default has nothing to release. */
    @Override
    default void close() {
    }
}
