package dev.imagine.kernels.cpu;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.ExecutionMode;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.ops.Weight;
import java.util.concurrent.locks.ReentrantLock;
import jdk.incubator.vector.FloatVector;

/**
 * {@link TensorOps} on the Java Vector API: packed register-tiled matmul ({@link MatmulJob}), flash-style
 * attention ({@link AttentionJob}), im2col convolution ({@link Conv3x3Job}) and vectorised row and
 * element ops ({@link ElementwiseJob}), all multithreaded on a fixed {@link WorkerPool} of
 * {@code threads} (the caller plus daemon workers), with results bit-identical for any thread count.
 *
 * <p>Transcendentals are polynomials over exact vector operations ({@link VectorMath}), not
 * {@code lanewise(EXP)}, so a given input gives the same bits in every JIT tier and on every machine.
 *
 * <p>Each job object is long-lived and holds the arguments of the call in flight; a lock serialises
 * calls from several threads. Scratch space is per worker, grown on first use of a larger shape: a
 * sampling loop that reuses its buffers allocates nothing per step.
 */
public final class VectorTensorOps implements TensorOps {
    private final WorkerPool pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final MatmulJob matmul;
    private final AttentionJob attention;
    private final ElementwiseJob elementwise;
    private final Conv3x3Job conv;
    private final UpsampleJob upsample;
    private final ExecutionMode mode;

    public VectorTensorOps(int threads) {
        this(threads, MatmulJob.PACK_A);
    }

    /** @param packA whether the matmul packs A for the 14-row tile where it can; false keeps A row-major (A/B benches) */
    public VectorTensorOps(int threads, boolean packA) {
        this.pool = new WorkerPool(Math.max(1, threads));
        this.matmul = new MatmulJob(pool, packA);
        this.attention = new AttentionJob(pool);
        this.elementwise = new ElementwiseJob(pool);
        this.conv = new Conv3x3Job(pool);
        this.upsample = new UpsampleJob(pool);
        this.mode = new ExecutionMode("cpu", true, pool.threads(), describeSpecies() + ", FMA, "
                + MatmulJob.TILING.describe() + (matmul.packs() ? ", A packed" : ""));
    }

    /** e.g. "Vector API 512-bit (16 floats)". */
    static String describeSpecies() {
        return "Vector API " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit ("
                + FloatVector.SPECIES_PREFERRED.length() + " floats)";
    }

    @Override
    public String backend() {
        return "vector";
    }

    @Override
    public ExecutionMode executionMode() {
        return mode;
    }

    @Override
    public Weight prepare(float[] w, int k, int n) {
        return PackedWeight.pack(w, k, n);
    }

    @Override
    public void matmul(float[] a, int m, Weight weight, float[] bias, float[] out) {
        if (!(weight instanceof PackedWeight packed)) {
            throw new IllegalArgumentException("weight " + weight.rows() + "x" + weight.cols()
                    + " was not prepared by the vector backend (" + weight.getClass().getSimpleName() + ")");
        }
        lock.lock();
        try {
            matmul.run(a, m, packed, bias, out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void layerNorm(float[] x, int rows, int cols, float eps, float[] gamma, float[] beta, float[] out) {
        lock.lock();
        try {
            elementwise.layerNorm(x, rows, cols, eps, gamma, beta, out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void layerNormModulate(float[] x, int batch, int rowsPerItem, int cols, float eps, float[] mod,
            int modStride, int shiftOffset, int scaleOffset, float[] out) {
        lock.lock();
        try {
            elementwise.modulate(x, batch, rowsPerItem, cols, eps, mod, modStride, shiftOffset, scaleOffset, out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void gatedAdd(float[] x, float[] y, int batch, int rowsPerItem, int cols, float[] mod, int modStride,
            int gateOffset) {
        lock.lock();
        try {
            elementwise.gatedAdd(x, y, batch, rowsPerItem, cols, mod, modStride, gateOffset);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        elementwise(ElementwiseJob.Op.ADD, x, y, null, n);
    }

    @Override
    public void geluTanh(float[] x, int n) {
        elementwise(ElementwiseJob.Op.GELU, x, null, null, n);
    }

    @Override
    public void silu(float[] x, float[] out, int n) {
        elementwise(ElementwiseJob.Op.SILU, x, null, out, n);
    }

    private void elementwise(ElementwiseJob.Op op, float[] x, float[] y, float[] out, int n) {
        lock.lock();
        try {
            elementwise.elementwise(op, x, y, out, n);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void attention(AttentionShape shape, float[] q, float[] k, float[] v, float[] out) {
        lock.lock();
        try {
            attention.run(shape, q, k, v, out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void conv3x3(float[] in, int cin, int h, int w, float[] weight, float[] bias, int cout, float[] out) {
        lock.lock();
        try {
            conv.run(in, cin, h, w, weight, bias, cout, out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void upsampleBilinear2x(float[] in, int channels, int h, int w, float[] out) {
        lock.lock();
        try {
            upsample.run(in, channels, h, w, out);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the worker threads; later calls that need them fail. */
    @Override
    public void close() {
        pool.close();
    }
}
