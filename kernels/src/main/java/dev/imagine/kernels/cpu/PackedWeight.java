package dev.imagine.kernels.cpu;

import dev.imagine.kernels.ops.Weight;

/**
 * A weight [k][n] repacked into column panels of {@link MicroKernel#NR} floats: panel p holds columns
 * [p * NR, p * NR + NR) as k consecutive rows of NR floats (zero beyond n), so the micro-kernel streams
 * one contiguous block per panel. Immutable once built. The row-major matrix it came from is not kept (a model's
 * weights would take twice the memory: DiT-XL/2 with cross-attention holds 3.3 GB of them); {@link #original()}
 * unpacks a copy for the reference paths.
 */
record PackedWeight(int rows, int cols, float[] panels, int panelCount) implements Weight {

    static PackedWeight pack(float[] w, int k, int n) {
        if (k < 1 || n < 1) {
            throw new IllegalArgumentException("weight must be at least 1x1, got " + k + "x" + n);
        }
        if (w.length < (long) k * n) {
            throw new IllegalArgumentException("weight has " + w.length + " values, " + k + "x" + n + " needs "
                    + (long) k * n);
        }
        int nr = MicroKernel.NR;
        int count = (n + nr - 1) / nr;
        float[] panels = new float[Math.multiplyExact(Math.multiplyExact(count, k), nr)];
        for (int p = 0; p < count; p++) {
            int j0 = p * nr;
            int width = Math.min(nr, n - j0);
            int base = p * k * nr;
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(w, kk * n + j0, panels, base + kk * nr, width);
            }
        }
        return new PackedWeight(k, n, panels, count);
    }

    @Override
    public float[] original() {
        int nr = MicroKernel.NR;
        float[] w = new float[rows * cols];
        for (int p = 0; p < panelCount; p++) {
            int j0 = p * nr;
            int width = Math.min(nr, cols - j0);
            int base = p * rows * nr;
            for (int kk = 0; kk < rows; kk++) {
                System.arraycopy(panels, base + kk * nr, w, kk * cols + j0, width);
            }
        }
        return w;
    }

    int panelOffset(int panel) {
        return panel * rows * MicroKernel.NR;
    }
}
