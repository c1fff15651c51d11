package dev.imagine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagine.kernels.SplitMix64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatmulJobTest {

    /**
     * Packing A changes where the 14-row tile reads it, not a bit of the result: short last micro-tiles, a narrower
     * last panel, with and without bias, on one thread and two.
     */
    @ParameterizedTest
    @CsvSource({"37, 50, 1100, 1", "37, 50, 1100, 2", "512, 96, 1024, 2", "3, 1152, 1040, 2", "200, 33, 2048, 1"})
    void packedAGivesTheRowMajorBits(int m, int k, int n, int threads) {
        assumeTrue(TallMicroKernel.packs() && MatmulJob.MR == TallMicroKernel.MR, "the 14-row tile packs A");
        assertThat((n + MicroKernel.NR - 1) / MicroKernel.NR).as("enough panels to pack")
                .isGreaterThanOrEqualTo(MatmulJob.PACK_MIN_PANELS);
        float[] a = new SplitMix64(m).gaussians(m * k, 1.0);
        PackedWeight w = PackedWeight.pack(new SplitMix64(k).gaussians(k * n, 0.1), k, n);
        float[] bias = new SplitMix64(n).gaussians(n, 1.0);
        try (WorkerPool pool = new WorkerPool(threads)) {
            MatmulJob rowMajor = new MatmulJob(pool, false);
            MatmulJob packed = new MatmulJob(pool, true);
            for (float[] b : new float[][] {bias, null}) {
                float[] expected = new float[m * n];
                float[] actual = new float[m * n];
                rowMajor.run(a, m, w, b, expected);
                packed.run(a, m, w, b, actual);
                assertThat(actual).as("m=%d k=%d n=%d bias %s", m, k, n, b != null).isEqualTo(expected);
                // a second, smaller call reuses the grown buffer
                packed.run(a, m / 2 + 1, w, b, actual);
                rowMajor.run(a, m / 2 + 1, w, b, expected);
                assertThat(actual).isEqualTo(expected);
            }
        }
    }
}
