package dev.imagine.kernels.gpu;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/**
 * out[m][n] = a[m][k] · w[k][n] + bias[n], tiled through local memory.
 *
 * <p>A work-group of 16x16 work-items computes a 64x64 block of out; each work-item owns a 4x4 sub-grid
 * of it (rows ty + 16r, columns tx + 16c, so neighbouring work-items touch neighbouring addresses). The
 * k dimension advances in slices of 16: the group stages a 64x16 slice of a and a 16x64 slice of w in
 * local memory, waits at a barrier, accumulates, waits again. Every output element starts at its bias
 * and adds products in increasing k, so the bits depend only on the shapes.
 *
 * <p>The weight lives in a device-resident arena shared by all prepared weights ({@link #w}, uploaded
 * once when it changes); {@link #wOffset} selects one.
 */
final class MatmulKernel extends OpenClKernel {
    static final int THREADS = 16;
    static final int BLOCK = 64;
    static final int SLICE = 16;

    float[] a = new float[1];
    float[] w = new float[1];
    float[] bias = new float[1];
    float[] out = new float[1];
    int m;
    int n;
    int k;
    int wOffset;
    int hasBias;

    @Local final float[] aTile = new float[SLICE * BLOCK];
    @Local final float[] wTile = new float[SLICE * BLOCK];

    MatmulKernel(OpenCLDevice device) {
        super(device);
    }

    Range range() {
        return range2D((n + BLOCK - 1) / BLOCK * THREADS, (m + BLOCK - 1) / BLOCK * THREADS, THREADS, THREADS);
    }

    @Override
    public void run() {
        int tx = getLocalId(0);
        int ty = getLocalId(1);
        int tid = ty * THREADS + tx;
        int row0 = getGroupId(1) * BLOCK;
        int col0 = getGroupId(0) * BLOCK;

        float b0 = 0f;
        float b1 = 0f;
        float b2 = 0f;
        float b3 = 0f;
        if (hasBias == 1) {
            b0 = biasAt(col0 + tx);
            b1 = biasAt(col0 + tx + 16);
            b2 = biasAt(col0 + tx + 32);
            b3 = biasAt(col0 + tx + 48);
        }
        float c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        float c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        float c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        float c30 = b0, c31 = b1, c32 = b2, c33 = b3;

        for (int k0 = 0; k0 < k; k0 += SLICE) {
            // 256 work-items stage 1024 values of each tile: four apiece.
            for (int l = 0; l < 4; l++) {
                int e = tid + l * 256;
                int ar = e / SLICE;
                int ak = e % SLICE;
                int gr = row0 + ar;
                int gk = k0 + ak;
                float av = 0f;
                if (gr < m && gk < k) {
                    av = a[gr * k + gk];
                }
                aTile[ak * BLOCK + ar] = av;
                int wk = e / BLOCK;
                int wc = e % BLOCK;
                int gwk = k0 + wk;
                int gc = col0 + wc;
                float wv = 0f;
                if (gwk < k && gc < n) {
                    wv = w[wOffset + gwk * n + gc];
                }
                wTile[wk * BLOCK + wc] = wv;
            }
            localBarrier();
            for (int kk = 0; kk < SLICE; kk++) {
                int ao = kk * BLOCK + ty;
                int wo = kk * BLOCK + tx;
                float a0 = aTile[ao];
                float a1 = aTile[ao + 16];
                float a2 = aTile[ao + 32];
                float a3 = aTile[ao + 48];
                float w0 = wTile[wo];
                float w1 = wTile[wo + 16];
                float w2 = wTile[wo + 32];
                float w3 = wTile[wo + 48];
                c00 += a0 * w0; c01 += a0 * w1; c02 += a0 * w2; c03 += a0 * w3;
                c10 += a1 * w0; c11 += a1 * w1; c12 += a1 * w2; c13 += a1 * w3;
                c20 += a2 * w0; c21 += a2 * w1; c22 += a2 * w2; c23 += a2 * w3;
                c30 += a3 * w0; c31 += a3 * w1; c32 += a3 * w2; c33 += a3 * w3;
            }
            localBarrier();
        }
        int r = row0 + ty;
        int c = col0 + tx;
        store(r, c, c00, c01, c02, c03);
        store(r + 16, c, c10, c11, c12, c13);
        store(r + 32, c, c20, c21, c22, c23);
        store(r + 48, c, c30, c31, c32, c33);
    }

    private float biasAt(int col) {
        float v = 0f;
        if (col < n) {
            v = bias[col];
        }
        return v;
    }

    private void store(int row, int col, float v0, float v1, float v2, float v3) {
        if (row < m) {
            int o = row * n + col;
            if (col < n) {
                out[o] = v0;
            }
            if (col + 16 < n) {
                out[o + 16] = v1;
            }
            if (col + 32 < n) {
                out[o + 32] = v2;
            }
            if (col + 48 < n) {
                out[o + 48] = v3;
            }
        }
    }
}
