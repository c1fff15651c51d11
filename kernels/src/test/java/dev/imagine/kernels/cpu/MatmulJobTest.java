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
    /**
     * Cutting k into slices that go on from C changes when each FMA chain is stored and reloaded, not a bit of it:
     * slices that divide k and ones that do not, short micro-tiles, a narrower last panel, bias or none, A packed or
     * row-major.
     */
    @ParameterizedTest
    @CsvSource({"37, 1100, 1100, 1, 300", "37, 1100, 1100, 2, 256", "200, 4608, 96, 2, 1152", "3, 513, 1040, 2, 255",
            "61, 999, 70, 1, 333"})
    void depthSlicesGiveTheWholeDepthBits(int m, int k, int n, int threads, int slice) {
        float[] a = new SplitMix64(m).gaussians(m * k, 1.0);
        PackedWeight w = PackedWeight.pack(new SplitMix64(k).gaussians(k * n, 0.1), k, n);
        float[] bias = new SplitMix64(n).gaussians(n, 1.0);
        MatmulTiling host = MatmulJob.TILING;
        MatmulTiling whole = new MatmulTiling(host.microRows(), host.l2Bytes(), 0, "test");
        MatmulTiling sliced = new MatmulTiling(host.microRows(), host.l2Bytes(), slice, "test");
        assertThat(sliced.depthSlice(k)).as("k is sliced").isLessThan(k);
        try (WorkerPool pool = new WorkerPool(threads)) {
            for (boolean packA : new boolean[] {true, false}) {
                MatmulJob reference = new MatmulJob(pool, packA, whole);
                MatmulJob inSlices = new MatmulJob(pool, packA, sliced);
                for (float[] b : new float[][] {bias, null}) {
                    float[] expected = new float[m * n];
                    float[] actual = new float[m * n];
                    reference.run(a, m, w, b, expected);
                    inSlices.run(a, m, w, b, actual);
                    assertThat(actual).as("m=%d k=%d n=%d slice %d packed %s bias %s", m, k, n, slice, packA,
                            b != null).isEqualTo(expected);
                }
            }
        }
    }
}
