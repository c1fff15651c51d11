package dev.imagine.kernels.gpu;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.ExecutionMode;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.ops.Weight;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TensorOps} as OpenCL kernels through Aparapi, on one OpenCL device.
 *
 * <p>Buffers are explicit. Prepared weights are copied into a {@link WeightArena} that stays on the
 * device: it is uploaded at the first product after a {@link #prepare} (a model's prepares come in a
 * burst, so that is one upload per model load) and not again. Activations move per call: inputs up,
 * outputs down. An output array longer than the result is uploaded too, so its tail comes back unchanged.
 *
 * <p>The execution mode is measured: the constructor runs a check kernel and every later dispatch is
 * checked again ({@link OpenClKernel#dispatch}); a fall back to Java throws instead of returning.
 * Calls are serialised: one device queue.
 */
public final class AparapiTensorOps implements TensorOps {
    private static final Logger LOG = LoggerFactory.getLogger(AparapiTensorOps.class);
    private static final float[] NO_FLOATS = new float[1];
    private static final int[] NO_INTS = new int[1];

    private final OpenClDevices.Found device;
    private final MatmulKernel matmul;
    private final AttentionKernel attention;
    private final NormKernel norm;
    private final ElementwiseKernel elementwise;
    private final ImageKernel image;
    private final ExecutionMode mode;
    private final WeightArena arena = new WeightArena();
    private float[] kvScratch = new float[0];

    AparapiTensorOps(OpenClDevices.Found device) {
        this.device = device;
        this.matmul = new MatmulKernel(device.device());
        this.attention = new AttentionKernel(device.device());
        this.norm = new NormKernel(device.device());
        this.elementwise = new ElementwiseKernel(device.device());
        this.image = new ImageKernel(device.device());
        try {
            this.mode = verify();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Aparapi backend on {} ({})", device.describe(), device.details());
    }

    /** Runs one tiny kernel and checks both where it ran and what it computed. */
    private ExecutionMode verify() {
        float[] x = {1f, 2f, 3f};
        float[] y = {10f, 20f, 30f};
        add(x, y, 3);
        if (!Arrays.equals(x, new float[] {11f, 22f, 33f})) {
            throw new OpenClFallbackException("the check kernel ran on " + device.describe() + " but computed "
                    + Arrays.toString(x) + " for [11, 22, 33]");
        }
        // Accelerated only on a GPU or accelerator: a CPU OpenCL device (PoCL) ran the kernel, but on the host's cores.
        return new ExecutionMode(device.describe(), device.gpu(), 1,
                "Aparapi, verified by a check dispatch; " + device.details());
    }

    @Override
    public String backend() {
        return "aparapi";
    }

    @Override
    public ExecutionMode executionMode() {
        return mode;
    }

    @Override
    public synchronized Weight prepare(float[] w, int k, int n) {
        require(w, (long) k * n, "weight", "prepare");
        return arena.add(this, w, k, n);
    }

    synchronized float[] copyOf(AparapiWeight weight) {
        return arena.copyOf(weight);
    }

    @Override
    public synchronized void matmul(float[] a, int m, Weight weight, float[] bias, float[] out) {
        if (!(weight instanceof AparapiWeight w) || w.owner() != this) {
            throw new IllegalArgumentException("weight was not prepared by this Aparapi backend: " + weight);
        }
        int k = w.rows();
        int n = w.cols();
        require(a, (long) m * k, "a", "matmul");
        require(out, (long) m * n, "out", "matmul");
        if (m == 0 || n == 0) {
            return;
        }
        MatmulKernel kernel = matmul;
        float[] changed = arena.takeChanged();
        if (changed != null) {
            kernel.w = changed;
            kernel.put(changed);
        }
        kernel.a = a;
        kernel.put(a);
        kernel.hasBias = bias == null ? 0 : 1;
        kernel.bias = bias == null ? NO_FLOATS : require(bias, n, "bias", "matmul");
        kernel.put(kernel.bias);
        bindOutput(kernel, out, (long) m * n);
        kernel.m = m;
        kernel.n = n;
        kernel.k = k;
        kernel.wOffset = w.offset;
        kernel.dispatch(kernel.range());
        kernel.get(out);
    }

    /** Binds out as the kernel's output; uploads it first only when the kernel writes part of it. */
    private static void bindOutput(OpenClKernel kernel, float[] out, long written) {
        switch (kernel) {
            case MatmulKernel k -> k.out = out;
            case AttentionKernel k -> k.out = out;
            case NormKernel k -> k.out = out;
            case ElementwiseKernel k -> k.out = out;
            case ImageKernel k -> k.out = out;
            default -> throw new IllegalArgumentException(kernel.getClass().getName());
        }
        if (out.length > written) {
            kernel.put(out);
        }
    }

    @Override
    public synchronized void layerNorm(float[] x, int rows, int cols, float eps, float[] gamma, float[] beta,
            float[] out) {
        NormKernel kernel = norm;
        kernel.mode = NormKernel.AFFINE;
        kernel.hasGamma = gamma == null ? 0 : 1;
        kernel.gamma = gamma == null ? NO_FLOATS : require(gamma, cols, "gamma", "layerNorm");
        kernel.hasBeta = beta == null ? 0 : 1;
        kernel.beta = beta == null ? NO_FLOATS : require(beta, cols, "beta", "layerNorm");
        kernel.put(kernel.gamma).put(kernel.beta);
        runNorm(x, rows, cols, eps, out, 1);
    }

    @Override
    public synchronized void layerNormModulate(float[] x, int batch, int rowsPerItem, int cols, float eps,
            float[] mod, int modStride, int shiftOffset, int scaleOffset, float[] out) {
        require(mod, (long) (batch - 1) * modStride + Math.max(shiftOffset, scaleOffset) + cols, "mod",
                "layerNormModulate");
        NormKernel kernel = norm;
        kernel.mode = NormKernel.MODULATE;
        kernel.mod = mod;
        kernel.put(mod);
        kernel.modStride = modStride;
        kernel.shiftOffset = shiftOffset;
        kernel.scaleOffset = scaleOffset;
        runNorm(x, batch * rowsPerItem, cols, eps, out, rowsPerItem);
    }

    private void runNorm(float[] x, int rows, int cols, float eps, float[] out, int rowsPerItem) {
        long size = (long) rows * cols;
        require(x, size, "x", "layerNorm");
        require(out, size, "out", "layerNorm");
        if (size == 0) {
            return;
        }
        NormKernel kernel = norm;
        kernel.x = x;
        kernel.put(x);
        kernel.outIsX = out == x ? 1 : 0;
        if (out != x) {
            bindOutput(kernel, out, size);
        }
        kernel.cols = cols;
        kernel.eps = eps;
        kernel.rowsPerItem = rowsPerItem;
        kernel.dispatch(kernel.range(rows));
        kernel.get(out);
    }

    @Override
    public synchronized void gatedAdd(float[] x, float[] y, int batch, int rowsPerItem, int cols, float[] mod,
            int modStride, int gateOffset) {
        int n = Math.toIntExact((long) batch * rowsPerItem * cols);
        require(mod, (long) (batch - 1) * modStride + gateOffset + cols, "mod", "gatedAdd");
        ElementwiseKernel kernel = elementwise;
        kernel.mod = mod;
        kernel.put(mod);
        kernel.cols = cols;
        kernel.rowsPerItem = rowsPerItem;
        kernel.modStride = modStride;
        kernel.gateOffset = gateOffset;
        runElementwise(ElementwiseKernel.GATED_ADD, x, y, x, n);
    }

    @Override
    public synchronized void add(float[] x, float[] y, int n) {
        runElementwise(ElementwiseKernel.ADD, x, y, x, n);
    }

    @Override
    public synchronized void geluTanh(float[] x, int n) {
        runElementwise(ElementwiseKernel.GELU, x, null, x, n);
    }

    @Override
    public synchronized void silu(float[] x, float[] out, int n) {
        runElementwise(ElementwiseKernel.SILU, x, null, out, n);
    }

    private void runElementwise(int op, float[] x, float[] y, float[] out, int n) {
        require(x, n, "x", "elementwise");
        require(out, n, "out", "elementwise");
        if (n == 0) {
            return;
        }
        ElementwiseKernel kernel = elementwise;
        kernel.op = op;
        kernel.n = n;
        kernel.x = x;
        kernel.put(x);
        kernel.yIsX = y == x ? 1 : 0;
        kernel.y = y == null || y == x ? NO_FLOATS : require(y, n, "y", "elementwise");
        kernel.put(kernel.y);
        kernel.outIsX = out == x ? 1 : 0;
        if (out != x) {
            bindOutput(kernel, out, n);
        }
        kernel.dispatch(kernel.range());
        kernel.get(out);
    }

    @Override
    public synchronized void attention(AttentionShape s, float[] q, float[] k, float[] v, float[] out) {
        if (s.headDim() > AttentionKernel.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("Aparapi attention supports head dimensions up to "
                    + AttentionKernel.MAX_HEAD_DIM + ", got " + s.headDim());
        }
        long outSize = (long) s.batch() * s.qTokens() * s.hidden();
        require(out, outSize, "out", "attention");
        if (outSize == 0) {
            return;
        }
        require(q, rowsEnd(s.batch() * s.qTokens(), s.qStride(), s.qOffset(), s.hidden()), "q", "attention");
        require(k, rowsEnd(s.batch() * s.kvTokens(), s.kStride(), s.kOffset(), s.hidden()), "k", "attention");
        require(v, rowsEnd(s.batch() * s.kvTokens(), s.vStride(), s.vOffset(), s.hidden()), "v", "attention");
        AttentionKernel kernel = attention;
        kernel.q = q;
        kernel.put(q);
        kernel.kOffset = s.kOffset();
        kernel.vOffset = s.vOffset();
        kernel.kFromQ = k == q ? 1 : 0;
        kernel.vFromQ = v == q ? 1 : 0;
        if (k != q && v != q && k != v) {
            // Three distinct arrays: keys and values share one buffer, values after the keys.
            kvScratch = kvScratch.length >= k.length + v.length ? kvScratch : new float[k.length + v.length];
            System.arraycopy(k, 0, kvScratch, 0, k.length);
            System.arraycopy(v, 0, kvScratch, k.length, v.length);
            kernel.kv = kvScratch;
            kernel.vOffset = s.vOffset() + k.length;
        } else {
            kernel.kv = k != q ? k : v != q ? v : NO_FLOATS;
        }
        kernel.put(kernel.kv);
        kernel.hasLengths = s.kvLengths() == null ? 0 : 1;
        kernel.kvLengths = s.kvLengths() == null ? NO_INTS : s.kvLengths();
        kernel.put(kernel.kvLengths);
        bindOutput(kernel, out, outSize);
        kernel.heads = s.heads();
        kernel.headDim = s.headDim();
        kernel.qTokens = s.qTokens();
        kernel.kvTokens = s.kvTokens();
        kernel.qStride = s.qStride();
        kernel.qOffset = s.qOffset();
        kernel.kStride = s.kStride();
        kernel.vStride = s.vStride();
        kernel.queryBlocks = (s.qTokens() + AttentionKernel.QUERIES - 1) / AttentionKernel.QUERIES;
        kernel.scale = (float) (1.0 / StrictMath.sqrt(s.headDim()));
        for (int b = 0; b < s.batch(); b++) {
            if (s.validKeys(b) < 0 || s.validKeys(b) > s.kvTokens()) {
                throw new IllegalArgumentException("attention: item " + b + " has " + s.validKeys(b)
                        + " valid keys of " + s.kvTokens());
            }
        }
        kernel.dispatch(kernel.range(s.batch()));
        kernel.get(out);
    }

    private static long rowsEnd(int rows, int stride, int offset, int width) {
        return rows == 0 ? 0 : (long) (rows - 1) * stride + offset + width;
    }

    @Override
    public synchronized void conv3x3(float[] in, int cin, int h, int w, float[] weight, float[] bias, int cout,
            float[] out) {
        long total = (long) cout * h * w;
        require(in, (long) cin * h * w, "in", "conv3x3");
        require(weight, (long) cout * cin * 9, "weight", "conv3x3");
        require(out, total, "out", "conv3x3");
        if (total == 0) {
            return;
        }
        ImageKernel kernel = image;
        kernel.op = ImageKernel.CONV3X3;
        kernel.weight = weight;
        kernel.hasBias = bias == null ? 0 : 1;
        kernel.bias = bias == null ? NO_FLOATS : require(bias, cout, "bias", "conv3x3");
        kernel.put(weight).put(kernel.bias);
        kernel.cin = cin;
        kernel.cout = cout;
        runImage(in, h, w, out, total);
    }

    @Override
    public synchronized void upsampleBilinear2x(float[] in, int channels, int h, int w, float[] out) {
        long total = 4L * channels * h * w;
        require(in, (long) channels * h * w, "in", "upsampleBilinear2x");
        require(out, total, "out", "upsampleBilinear2x");
        if (total == 0) {
            return;
        }
        image.op = ImageKernel.UPSAMPLE2X;
        runImage(in, h, w, out, total);
    }

    private void runImage(float[] in, int h, int w, float[] out, long total) {
        ImageKernel kernel = image;
        kernel.in = in;
        kernel.put(in);
        bindOutput(kernel, out, total);
        kernel.h = h;
        kernel.w = w;
        kernel.total = Math.toIntExact(total);
        kernel.dispatch(kernel.range());
        kernel.get(out);
    }

    private static float[] require(float[] array, long needed, String name, String op) {
        if (array == null || array.length < needed) {
            throw new IllegalArgumentException(op + ": " + name + " has " + (array == null ? "no" : array.length)
                    + " values, needs " + needed);
        }
        return array;
    }

    @Override
    public synchronized void close() {
        for (OpenClKernel kernel : List.<OpenClKernel>of(matmul, attention, norm, elementwise, image)) {
            kernel.dispose();
        }
    }
}
