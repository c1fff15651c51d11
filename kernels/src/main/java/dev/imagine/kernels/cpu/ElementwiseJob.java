package dev.imagine.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise and element-wise ops (layer norm, fused adaLN modulate, gated residual, add, GELU, SiLU),
 * vectorised, split into fixed chunks of rows or elements. Each element's arithmetic is the same
 * whatever the chunking, so results never depend on the thread count; row sums go through
 * {@link VectorMath#sumLanes} in lane order.
 */
final class ElementwiseJob implements WorkerPool.Task {
    private static final VectorSpecies<Float> S = MicroKernel.S;
    private static final int L = MicroKernel.L;
    /** About this many floats per task; smaller ops run on the calling thread. */
    private static final int CHUNK = 16 * 1024;

    enum Op { LAYER_NORM, MODULATE, GATED_ADD, ADD, GELU, SILU }

    private final WorkerPool pool;
    private final float[][] lanes;
    private Op op;
    private float[] x;
    private float[] y;
    private float[] out;
    private float[] gamma;
    private float[] beta;
    private float[] mod;
    private int rowsPerItem;
    private int cols;
    private int modStride;
    private int offA;
    private int offB;
    private float eps;
    private int n;
    private int perTask;

    ElementwiseJob(WorkerPool pool) {
        this.pool = pool;
        this.lanes = new float[pool.threads()][L];
    }

    void layerNorm(float[] x, int rows, int cols, float eps, float[] gamma, float[] beta, float[] out) {
        set(Op.LAYER_NORM, x, null, out, rows, cols);
        this.eps = eps;
        this.gamma = gamma;
        this.beta = beta;
        this.rowsPerItem = rows;
        dispatchRows(rows);
    }

    void modulate(float[] x, int batch, int rowsPerItem, int cols, float eps, float[] mod, int modStride,
            int shiftOffset, int scaleOffset, float[] out) {
        set(Op.MODULATE, x, null, out, batch * rowsPerItem, cols);
        this.eps = eps;
        this.mod = mod;
        this.rowsPerItem = rowsPerItem;
        this.modStride = modStride;
        this.offA = shiftOffset;
        this.offB = scaleOffset;
        dispatchRows(batch * rowsPerItem);
    }

    void gatedAdd(float[] x, float[] y, int batch, int rowsPerItem, int cols, float[] mod, int modStride,
            int gateOffset) {
        set(Op.GATED_ADD, x, y, null, batch * rowsPerItem, cols);
        this.mod = mod;
        this.rowsPerItem = rowsPerItem;
        this.modStride = modStride;
        this.offA = gateOffset;
        dispatchRows(batch * rowsPerItem);
    }

    void elementwise(Op op, float[] x, float[] y, float[] out, int n) {
        set(op, x, y, out, n, 1);
        perTask = CHUNK;
        dispatch((n + CHUNK - 1) / CHUNK, n);
    }

    private void set(Op op, float[] x, float[] y, float[] out, int n, int cols) {
        this.op = op;
        this.x = x;
        this.y = y;
        this.out = out;
        this.n = n;
        this.cols = cols;
    }

    private void dispatchRows(int rows) {
        perTask = Math.max(1, CHUNK / Math.max(1, cols));
        dispatch((rows + perTask - 1) / perTask, (long) rows * cols);
    }

    private void dispatch(int tasks, long size) {
        try {
            pool.run(tasks, this, size >= 2L * CHUNK);
        } finally {
            x = null;
            y = null;
            out = null;
            gamma = null;
            beta = null;
            mod = null;
        }
    }

    @Override
    public void run(int task, int worker) {
        int from = task * perTask;
        int to = Math.min(n, from + perTask);
        switch (op) {
            case LAYER_NORM, MODULATE -> {
                for (int r = from; r < to; r++) {
                    normRow(r, lanes[worker]);
                }
            }
            case GATED_ADD -> {
                for (int r = from; r < to; r++) {
                    int gate = (r / rowsPerItem) * modStride + offA;
                    axpy(mod, gate, y, r * cols, x, r * cols, cols);
                }
            }
            case ADD -> add(from, to);
            case GELU -> gelu(from, to);
            case SILU -> silu(from, to);
        }
    }

    private void normRow(int r, float[] lanes) {
        int o = r * cols;
        int full = cols - cols % L;
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
            acc = acc.add(FloatVector.fromArray(S, x, o + j));
        }
        float sum = VectorMath.sumLanes(acc, lanes);
        for (int j = full; j < cols; j++) {
            sum += x[o + j];
        }
        float mean = sum / cols;
        acc = FloatVector.zero(S);
        for (int j = 0; j < full; j += L) {
            FloatVector dv = FloatVector.fromArray(S, x, o + j).sub(mean);
            acc = dv.fma(dv, acc);
        }
        float sq = VectorMath.sumLanes(acc, lanes);
        for (int j = full; j < cols; j++) {
            float dv = x[o + j] - mean;
            sq = Math.fma(dv, dv, sq);
        }
        float inv = (float) (1.0 / Math.sqrt(sq / cols + eps));
        if (op == Op.LAYER_NORM) {
            affine(o, mean, inv, full);
        } else {
            int item = (r / rowsPerItem) * modStride;
            int shift = item + offA;
            int scale = item + offB;
            for (int j = 0; j < full; j += L) {
                FloatVector yv = FloatVector.fromArray(S, x, o + j).sub(mean).mul(inv);
                FloatVector sc = FloatVector.fromArray(S, mod, scale + j).add(1f);
                yv.fma(sc, FloatVector.fromArray(S, mod, shift + j)).intoArray(out, o + j);
            }
            for (int j = full; j < cols; j++) {
                out[o + j] = Math.fma((x[o + j] - mean) * inv, mod[scale + j] + 1f, mod[shift + j]);
            }
        }
    }

    private void affine(int o, float mean, float inv, int full) {
        for (int j = 0; j < full; j += L) {
            FloatVector yv = FloatVector.fromArray(S, x, o + j).sub(mean).mul(inv);
            if (gamma != null) {
                yv = yv.mul(FloatVector.fromArray(S, gamma, j));
            }
            if (beta != null) {
                yv = yv.add(FloatVector.fromArray(S, beta, j));
            }
            yv.intoArray(out, o + j);
        }
        for (int j = full; j < cols; j++) {
            float yv = (x[o + j] - mean) * inv;
            if (gamma != null) {
                yv *= gamma[j];
            }
            if (beta != null) {
                yv += beta[j];
            }
            out[o + j] = yv;
        }
    }

    /** x[xo ..] += g[go ..] * y[yo ..] over len, as one FMA per element. */
    private static void axpy(float[] g, int go, float[] y, int yo, float[] x, int xo, int len) {
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector.fromArray(S, y, yo + j).fma(FloatVector.fromArray(S, g, go + j), FloatVector.fromArray(S, x, xo + j))
                    .intoArray(x, xo + j);
        }
        for (; j < len; j++) {
            x[xo + j] = Math.fma(y[yo + j], g[go + j], x[xo + j]);
        }
    }

    private void add(int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector.fromArray(S, x, i).add(FloatVector.fromArray(S, y, i)).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] += y[i];
        }
    }

    private void gelu(int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            VectorMath.gelu(FloatVector.fromArray(S, x, i)).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = VectorMath.gelu(x[i]);
        }
    }

    private void silu(int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            VectorMath.silu(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = VectorMath.silu(x[i]);
        }
    }
}
