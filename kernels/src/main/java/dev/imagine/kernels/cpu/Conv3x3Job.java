package dev.imagine.kernels.cpu;

import java.util.Arrays;

/**
 * 3x3 convolution (stride 1, zero padding 1) as a matrix product on the {@link MicroKernel}:
 * out[co][pixel] = bias[co] + weight[co][ci*9 + ky*3 + kx] · col[ci*9 + ky*3 + kx][pixel], where col
 * (im2col) is built one panel of {@link MicroKernel#NR} pixels at a time into the worker's scratch, so
 * the whole im2col matrix never exists. The weight rows are read as given ([cout][cin][3][3] is already
 * row-major [cout][cin*9]).
 *
 * <p>Tasks are (pixel panel, block of output channels), a grid fixed by the shape; each output sums
 * over (ci, ky, kx) in order, so the thread count never changes a bit.
 */
final class Conv3x3Job implements WorkerPool.Task {
    private static final int NR = MicroKernel.NR;
    private static final int MR = MicroKernel.MR;
    static final int COUT_BLOCK = 8 * MR;

    private final WorkerPool pool;
    private final float[][] cols;
    private final float[][] edge;
    private float[] in;
    private float[] weight;
    private float[] bias;
    private float[] out;
    private int cin;
    private int h;
    private int w;
    private int cout;
    private int coutBlocks;

    Conv3x3Job(WorkerPool pool) {
        this.pool = pool;
        this.cols = new float[pool.threads()][0];
        this.edge = new float[pool.threads()][MR * NR];
    }

    void run(float[] in, int cin, int h, int w, float[] weight, float[] bias, int cout, float[] out) {
        this.in = in;
        this.cin = cin;
        this.h = h;
        this.w = w;
        this.weight = weight;
        this.bias = bias;
        this.cout = cout;
        this.out = out;
        this.coutBlocks = (cout + COUT_BLOCK - 1) / COUT_BLOCK;
        int panels = (h * w + NR - 1) / NR;
        try {
            pool.run(panels * coutBlocks, this, (long) cin * 9 * cout * h * w >= (1L << 18));
        } finally {
            this.in = null;
            this.weight = null;
            this.bias = null;
            this.out = null;
        }
    }

    @Override
    public void run(int task, int worker) {
        int plane = h * w;
        int kLen = cin * 9;
        int px0 = (task / coutBlocks) * NR;
        int np = Math.min(NR, plane - px0);
        int co0 = (task % coutBlocks) * COUT_BLOCK;
        int co1 = Math.min(cout, co0 + COUT_BLOCK);
        if (cols[worker].length < kLen * NR) {
            cols[worker] = new float[kLen * NR];
        }
        float[] col = cols[worker];
        pack(col, px0, np);
        for (int co = co0; co < co1; co += MR) {
            int rows = Math.min(MR, co1 - co);
            if (np == NR) {
                for (int r = 0; r < rows; r++) {
                    int o = (co + r) * plane + px0;
                    Arrays.fill(out, o, o + NR, bias == null ? 0f : bias[co + r]);
                }
                MicroKernel.tile(weight, co * kLen, kLen, rows, col, 0, NR, kLen, out, co * plane + px0, plane);
            } else {
                float[] t = edge[worker];
                for (int r = 0; r < rows; r++) {
                    Arrays.fill(t, r * NR, (r + 1) * NR, bias == null ? 0f : bias[co + r]);
                }
                MicroKernel.tile(weight, co * kLen, kLen, rows, col, 0, NR, kLen, t, 0, NR);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(t, r * NR, out, (co + r) * plane + px0, np);
                }
            }
        }
    }

    /** col[(ci*9 + ky*3 + kx) * NR + p] = in[ci][y + ky - 1][x + kx - 1] (0 outside) for pixel px0 + p. */
    private void pack(float[] col, int px0, int np) {
        int plane = h * w;
        for (int ci = 0; ci < cin; ci++) {
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    int dst = (ci * 9 + ky * 3 + kx) * NR;
                    int end = dst + NR;
                    for (int px = px0; px < px0 + np; ) {
                        int y = px / w;
                        int x = px - y * w;
                        int len = Math.min(w - x, px0 + np - px);
                        int iy = y + ky - 1;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(col, dst, dst + len, 0f);
                        } else {
                            copyRow(col, dst, ci * plane + iy * w, x + kx - 1, len);
                        }
                        dst += len;
                        px += len;
                    }
                    Arrays.fill(col, dst, end, 0f);
                }
            }
        }
    }

    /** col[dst + i] = row[ix0 + i] for i < len, 0 where ix0 + i falls outside [0, w). */
    private void copyRow(float[] col, int dst, int row, int ix0, int len) {
        int lo = Math.max(0, -ix0);
        int hi = Math.min(len, w - ix0);
        Arrays.fill(col, dst, dst + lo, 0f);
        if (hi > lo) {
            System.arraycopy(in, row + ix0 + lo, col, dst + lo, hi - lo);
        }
        Arrays.fill(col, dst + Math.max(hi, lo), dst + len, 0f);
    }
}
