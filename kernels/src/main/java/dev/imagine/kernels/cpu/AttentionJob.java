package dev.imagine.kernels.cpu;

import dev.imagine.kernels.ops.AttentionShape;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Flash-attention style multi-head attention: for each (item, head) the keys are visited in blocks of
 * {@value #KEY_BLOCK}; a block of {@value #QUERY_BLOCK} queries keeps a running max, a running sum and
 * an unnormalised output, rescaled when the max grows (online softmax), so the full score matrix never
 * exists.
 *
 * <p>Scores are computed transposed, Sᵀ[key][query] = K · Qᵀ, on the {@link MicroKernel} (K rows
 * broadcast straight from the input, Qᵀ packed once per query block), so the softmax runs lane-wise
 * over 16 queries at a time with no horizontal reductions, and O += P · V reads Pᵀ with a row stride
 * of one query. V is copied per (item, head) into rows padded to whole kernel tiles. Exponentials use
 * {@link VectorMath#exp}.
 *
 * <p>Determinism: every query sees the same key blocks in the same order and its arithmetic never
 * mixes with other queries', so neither the query grouping nor the thread count changes a bit. Tasks
 * are (item, head, query range); the range is split only as far as needed to give every thread work.
 */
final class AttentionJob implements WorkerPool.Task {
    static final int KEY_BLOCK = 64;
    static final int QUERY_BLOCK = 2 * MicroKernel.NR;
    private static final int L = MicroKernel.L;
    private static final int NR = MicroKernel.NR;
    private static final int MR = MicroKernel.MR;

    private final WorkerPool pool;
    private final Scratch[] scratch;
    private AttentionShape s;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private int querySplits;
    private int queriesPerTask;

    /** One worker's buffers, grown on first use of a larger shape and then reused. */
    private static final class Scratch {
        float[] vp = new float[0]; // [keys][dPadded]
        float[] qt = new float[0]; // [headDim][QUERY_BLOCK]
        final float[] st = new float[KEY_BLOCK * QUERY_BLOCK]; // Sᵀ then Pᵀ: [key][query]
        float[] o = new float[0]; // [QUERY_BLOCK][dPadded]
        final float[] max = new float[QUERY_BLOCK];
        final float[] sum = new float[QUERY_BLOCK];
        final float[] corr = new float[QUERY_BLOCK];
    }

    AttentionJob(WorkerPool pool) {
        this.pool = pool;
        this.scratch = new Scratch[pool.threads()];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = new Scratch();
        }
    }

    void run(AttentionShape shape, float[] q, float[] k, float[] v, float[] out) {
        this.s = shape;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        int pairs = shape.batch() * shape.heads();
        int wanted = Math.max(1, (4 * pool.threads() + pairs - 1) / pairs);
        int blocks = (shape.qTokens() + QUERY_BLOCK - 1) / QUERY_BLOCK;
        querySplits = Math.max(1, Math.min(wanted, blocks));
        queriesPerTask = ((blocks + querySplits - 1) / querySplits) * QUERY_BLOCK;
        querySplits = (shape.qTokens() + queriesPerTask - 1) / queriesPerTask;
        try {
            pool.run(pairs * querySplits, this, shape.flops() >= (1L << 20));
        } finally {
            this.q = null;
            this.k = null;
            this.v = null;
            this.out = null;
        }
    }

    @Override
    public void run(int task, int worker) {
        int pair = task / querySplits;
        int b = pair / s.heads();
        int h = pair % s.heads();
        int i0 = (task % querySplits) * queriesPerTask;
        int i1 = Math.min(s.qTokens(), i0 + queriesPerTask);
        int d = s.headDim();
        int keys = Math.min(s.validKeys(b), s.kvTokens());
        int hidden = s.hidden();
        if (keys <= 0) {
            for (int i = i0; i < i1; i++) {
                int o = (b * s.qTokens() + i) * hidden + h * d;
                Arrays.fill(out, o, o + d, 0f);
            }
            return;
        }
        Scratch w = scratch[worker];
        int dPadded = roundUp(d, NR);
        packValues(w, b, h, keys, dPadded);
        for (int qb = i0; qb < i1; qb += QUERY_BLOCK) {
            queryBlock(w, b, h, qb, Math.min(QUERY_BLOCK, i1 - qb), keys, dPadded);
        }
    }

    /** V of one (item, head) as [keys][dPadded], zero beyond headDim. */
    private void packValues(Scratch w, int b, int h, int keys, int dPadded) {
        int d = s.headDim();
        if (w.vp.length < keys * dPadded) {
            w.vp = new float[keys * dPadded];
        }
        for (int j = 0; j < keys; j++) {
            int vRow = (b * s.kvTokens() + j) * s.vStride() + s.vOffset() + h * d;
            System.arraycopy(v, vRow, w.vp, j * dPadded, d);
            Arrays.fill(w.vp, j * dPadded + d, (j + 1) * dPadded, 0f);
        }
    }

    /** Qᵀ of queries [i0, i0 + rows) as [headDim][QUERY_BLOCK], zero beyond rows. */
    private void packQueries(Scratch w, int b, int h, int i0, int rows) {
        int d = s.headDim();
        if (w.qt.length < d * QUERY_BLOCK) {
            w.qt = new float[d * QUERY_BLOCK];
        }
        float[] qt = w.qt;
        if (rows < QUERY_BLOCK) {
            Arrays.fill(qt, 0, d * QUERY_BLOCK, 0f);
        }
        for (int r = 0; r < rows; r++) {
            int qRow = (b * s.qTokens() + i0 + r) * s.qStride() + s.qOffset() + h * d;
            for (int dd = 0; dd < d; dd++) {
                qt[dd * QUERY_BLOCK + r] = q[qRow + dd];
            }
        }
    }

    private void queryBlock(Scratch w, int b, int h, int i0, int rows, int keys, int dPadded) {
        int d = s.headDim();
        float scale = (float) (1.0 / Math.sqrt(d));
        if (w.o.length < QUERY_BLOCK * dPadded) {
            w.o = new float[QUERY_BLOCK * dPadded];
        }
        packQueries(w, b, h, i0, rows);
        float[] o = w.o;
        float[] st = w.st;
        Arrays.fill(o, 0, rows * dPadded, 0f);
        Arrays.fill(w.max, Float.NEGATIVE_INFINITY);
        Arrays.fill(w.sum, 0f);
        int queryChunks = (rows + NR - 1) / NR;
        for (int kb = 0; kb < keys; kb += KEY_BLOCK) {
            int nk = Math.min(KEY_BLOCK, keys - kb);
            // Sᵀ[j][i] = k_j · q_i for the block's keys, over the block's query chunks
            for (int j = 0; j < nk; j += MR) {
                int kRow = (b * s.kvTokens() + kb + j) * s.kStride() + s.kOffset() + h * d;
                for (int c = 0; c < queryChunks; c++) {
                    MicroKernel.tile(k, kRow, s.kStride(), 1, Math.min(MR, nk - j), w.qt, c * NR, QUERY_BLOCK, d,
                            st, j * QUERY_BLOCK + c * NR, QUERY_BLOCK, MicroKernel.ZERO, 0, 0);
                }
            }
            softmaxStep(w, nk, queryChunks * NR, scale);
            for (int r = 0; r < rows; r++) {
                float corr = w.corr[r];
                for (int c = r * dPadded; c < (r + 1) * dPadded; c += L) {
                    FloatVector.fromArray(MicroKernel.S, o, c).mul(corr).intoArray(o, c);
                }
            }
            // o[i] += sum over the block's keys of p[i][j] v_j, with p[i][j] = Pᵀ[j][i]
            for (int c = 0; c < dPadded; c += NR) {
                for (int r = 0; r < rows; r += MR) {
                    int at = r * dPadded + c;
                    MicroKernel.tile(st, r, 1, QUERY_BLOCK, Math.min(MR, rows - r), w.vp, kb * dPadded + c,
                            dPadded, nk, o, at, dPadded, o, at, dPadded);
                }
            }
        }
        int hidden = s.hidden();
        for (int r = 0; r < rows; r++) {
            float inv = 1f / w.sum[r];
            int dst = (b * s.qTokens() + i0 + r) * hidden + h * d;
            int src = r * dPadded;
            int j = 0;
            for (; j + L <= d; j += L) {
                FloatVector.fromArray(MicroKernel.S, o, src + j).mul(inv).intoArray(out, dst + j);
            }
            for (; j < d; j++) {
                out[dst + j] = o[src + j] * inv;
            }
        }
    }

    /**
     * The online-softmax update for one key block, lane-wise over queries: new running max, the
     * factor that rescales the old sum and output, and Pᵀ[j][i] = exp(scale * (Sᵀ[j][i] - max_i)) in
     * place of the scores; the running sum adds p in key order. Split in two small methods so that C2
     * inlines every vector operation (one large method exhausts its inlining budget and boxes vectors).
     */
    private static void softmaxStep(Scratch w, int nk, int queries, float scale) {
        for (int i = 0; i < queries; i += L) {
            newMax(w, nk, i, scale);
            exponentiate(w, nk, i, scale);
        }
    }

    private static void newMax(Scratch w, int nk, int i, float scale) {
        float[] st = w.st;
        FloatVector old = FloatVector.fromArray(MicroKernel.S, w.max, i);
        // Four independent chains (max is exact in any order), so the loop is not latency-bound.
        FloatVector m0 = old;
        FloatVector m1 = old;
        FloatVector m2 = old;
        FloatVector m3 = old;
        int j = 0;
        for (int at = i; j + 4 <= nk; j += 4, at += 4 * QUERY_BLOCK) {
            m0 = m0.max(FloatVector.fromArray(MicroKernel.S, st, at));
            m1 = m1.max(FloatVector.fromArray(MicroKernel.S, st, at + QUERY_BLOCK));
            m2 = m2.max(FloatVector.fromArray(MicroKernel.S, st, at + 2 * QUERY_BLOCK));
            m3 = m3.max(FloatVector.fromArray(MicroKernel.S, st, at + 3 * QUERY_BLOCK));
        }
        for (; j < nk; j++) {
            m0 = m0.max(FloatVector.fromArray(MicroKernel.S, st, j * QUERY_BLOCK + i));
        }
        FloatVector max = m0.max(m1).max(m2.max(m3));
        FloatVector corr = VectorMath.exp(old.sub(max).mul(scale));
        max.intoArray(w.max, i);
        corr.intoArray(w.corr, i);
        FloatVector.fromArray(MicroKernel.S, w.sum, i).mul(corr).intoArray(w.sum, i);
    }

    private static void exponentiate(Scratch w, int nk, int i, float scale) {
        float[] st = w.st;
        // scale * (s - max) as one FMA: s * scale + (-max * scale)
        FloatVector shift = FloatVector.fromArray(MicroKernel.S, w.max, i).mul(-scale);
        FloatVector sum = FloatVector.fromArray(MicroKernel.S, w.sum, i);
        FloatVector scales = FloatVector.broadcast(MicroKernel.S, scale);
        for (int j = 0, at = i; j < nk; j++, at += QUERY_BLOCK) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(MicroKernel.S, st, at).fma(scales, shift));
            p.intoArray(st, at);
            sum = sum.add(p);
        }
        sum.intoArray(w.sum, i);
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }
}
