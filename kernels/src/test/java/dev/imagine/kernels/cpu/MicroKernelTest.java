package dev.imagine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagine.kernels.SplitMix64;
import org.junit.jupiter.api.Test;

class MicroKernelTest {
    private static final int NR = MicroKernel.NR;

    /** The fixed-stride kernel must give the general kernel's bits: the matmul's results rest on it. */
    @Test
    void panelMatchesTileBitForBitForEveryRowCount() {
        int k = 37;
        int lda = 41;
        int ldc = NR + 3;
        float[] a = new SplitMix64(1).gaussians(MicroKernel.MR * lda, 1.0);
        float[] b = new SplitMix64(2).gaussians(k * NR + 5, 1.0);
        float[] bias = new SplitMix64(3).gaussians(NR, 1.0);
        for (int rows = 1; rows <= MicroKernel.MR; rows++) {
            float[] expected = new float[MicroKernel.MR * ldc + 2];
            float[] actual = new float[expected.length];
            MicroKernel.tile(a, 2, lda, 1, rows, b, 5, NR, k, expected, 2, ldc, bias, 0, 0);
            MicroKernel.panel(a, 2, lda, rows, b, 5, k, actual, 2, ldc, bias, 0, 0);
            assertThat(actual).as("rows %d, from bias", rows).containsExactly(expected);
            MicroKernel.tile(a, 2, lda, 1, rows, b, 5, NR, k, expected, 2, ldc, expected, 2, ldc);
            MicroKernel.panel(a, 2, lda, rows, b, 5, k, actual, 2, ldc, actual, 2, ldc);
            assertThat(actual).as("rows %d, accumulating", rows).containsExactly(expected);
        }
    }

    /**
     * The 14-row tile must give the 6-row tile's bits for every row count (rows past the valid ones repeat the
     * last, as the 6-row tile does): which one runs is the CPU's choice, the grid may not depend on it.
     */
    @Test
    void tallPanelMatchesTheSixRowPanelBitForBit() {
        int k = 53;
        int lda = 59;
        int ldc = NR + 7;
        int mr = TallMicroKernel.MR;
        float[] a = new SplitMix64(4).gaussians(mr * lda + 3, 1.0);
        float[] b = new SplitMix64(5).gaussians(k * NR + 1, 1.0);
        float[] bias = new SplitMix64(6).gaussians(NR, 1.0);
        for (int rows = 1; rows <= mr; rows++) {
            float[] expected = new float[mr * ldc + 3];
            float[] actual = new float[expected.length];
            for (int r = 0; r < rows; r += MicroKernel.MR) {
                MicroKernel.panel(a, 3 + r * lda, lda, Math.min(MicroKernel.MR, rows - r), b, 1, k, expected,
                        3 + r * ldc, ldc, bias, 0, 0);
            }
            TallMicroKernel.panel(a, 3, lda, rows, b, 1, k, actual, 3, ldc, bias, 0, 0);
            assertThat(actual).as("rows %d, from bias", rows).containsExactly(expected);
            for (int r = 0; r < rows; r += MicroKernel.MR) {
                int off = 3 + r * ldc;
                MicroKernel.panel(a, 3 + r * lda, lda, Math.min(MicroKernel.MR, rows - r), b, 1, k, expected,
                        off, ldc, expected, off, ldc);
            }
            TallMicroKernel.panel(a, 3, lda, rows, b, 1, k, actual, 3, ldc, actual, 3, ldc);
            assertThat(actual).as("rows %d, accumulating", rows).containsExactly(expected);
        }
    }

    /** The tile on packed A must give the row-major tile's bits for every row count (the short ones repeat the last). */
    @Test
    void packedTallPanelMatchesTheRowMajorOneBitForBit() {
        assumeTrue(TallMicroKernel.packs(), "packing gathers 14 lanes: 512-bit vectors only");
        int k = 61;
        int lda = 67;
        int ldc = NR + 5;
        int mr = TallMicroKernel.MR;
        float[] a = new SplitMix64(7).gaussians(mr * lda + 4, 1.0);
        float[] b = new SplitMix64(8).gaussians(k * NR + 2, 1.0);
        float[] bias = new SplitMix64(9).gaussians(NR, 1.0);
        int[] map = new int[MicroKernel.L];
        for (int rows = 1; rows <= mr; rows++) {
            float[] packed = new float[3 + mr * k + MicroKernel.L];
            TallMicroKernel.pack(a, 4, lda, rows, k, packed, 3, map);
            float[] expected = new float[mr * ldc + 2];
            float[] actual = new float[expected.length];
            TallMicroKernel.panel(a, 4, lda, rows, b, 2, k, expected, 2, ldc, bias, 0, 0);
            TallMicroKernel.packedPanel(packed, 3, rows, b, 2, k, actual, 2, ldc, bias, 0, 0);
            assertThat(actual).as("rows %d, from bias", rows).containsExactly(expected);
            TallMicroKernel.panel(a, 4, lda, rows, b, 2, k, expected, 2, ldc, expected, 2, ldc);
            TallMicroKernel.packedPanel(packed, 3, rows, b, 2, k, actual, 2, ldc, actual, 2, ldc);
            assertThat(actual).as("rows %d, accumulating", rows).containsExactly(expected);
        }
    }
}
