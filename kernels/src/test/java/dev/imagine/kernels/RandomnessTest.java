package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class RandomnessTest {

    @Test
    void splitMix64MatchesTheReferenceSequence() {
        // First outputs of Vigna's splitmix64.c seeded with 1234567.
        SplitMix64 rng = new SplitMix64(1234567L);
        assertThat(rng.nextLong()).isEqualTo(6457827717110365317L);
        assertThat(rng.nextLong()).isEqualTo(3203168211198807973L);
        assertThat(rng.nextLong()).isEqualTo(-8629252141511181193L);
    }

    @Test
    void gaussiansHaveZeroMeanAndUnitVariance() {
        float[] g = new SplitMix64(42).gaussians(200_000, 1.0);
        double mean = 0;
        double sq = 0;
        for (float v : g) {
            mean += v;
            sq += v * v;
        }
        mean /= g.length;
        assertThat(mean).isCloseTo(0, offset(0.01));
        assertThat(sq / g.length - mean * mean).isCloseTo(1, offset(0.01));
    }

    @Test
    void atChaosZeroTheFourImagesAreAsIndependentAsFourSeeds() {
        int n = 4 * 64 * 64;
        float[] calm = InitialNoise.fourImages(99, 0f, 4, 64, 64);
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                assertThat(correlation(calm, i * n, j * n, n)).as("images %d and %d", i, j).isCloseTo(0, offset(0.03));
            }
        }
        // and each is exactly the noise that image would have as a seed of its own: no shared part
        float[] again = InitialNoise.fourImages(99, 0f, 4, 64, 64);
        assertThat(again).isEqualTo(calm);
    }

    @Test
    void chaosWidensTheSpreadOfLayoutAndKeepsUnitVariance() {
        double calm = layoutSpread(0f);
        double mid = layoutSpread(0.5f);
        double wild = layoutSpread(1f);
        // at chaos 0 the quadrant means are those of white noise (variance 1/1024 here); chaos moves variance into
        // a coarse field of each image's own, so quadrants differ more and more within and between images
        assertThat(calm).isLessThan(0.01);
        assertThat(mid).isGreaterThan(10 * calm);
        assertThat(wild).isGreaterThan(1.3 * mid);
        for (float chaos : new float[] {0f, 0.5f, 1f}) {
            float[] x = InitialNoise.fourImages(5, chaos, 4, 64, 64);
            double sq = 0;
            for (float v : x) {
                sq += v * v;
            }
            assertThat(sq / x.length).as("variance at chaos %s", chaos).isCloseTo(1, offset(0.15));
        }
    }

    /** Variance of the 2x2-quadrant means of each channel of each image, averaged over seeds. */
    private static double layoutSpread(float chaos) {
        int c = 4;
        int h = 64;
        double total = 0;
        int seeds = 40;
        for (long seed = 0; seed < seeds; seed++) {
            float[] x = InitialNoise.fourImages(seed, chaos, c, h, h);
            double sum = 0;
            double sq = 0;
            int count = 0;
            for (int img = 0; img < 4; img++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int qy = 0; qy < 2; qy++) {
                        for (int qx = 0; qx < 2; qx++) {
                            double m = 0;
                            for (int y = qy * h / 2; y < (qy + 1) * h / 2; y++) {
                                for (int xx = qx * h / 2; xx < (qx + 1) * h / 2; xx++) {
                                    m += x[((img * c + ch) * h + y) * h + xx];
                                }
                            }
                            m /= (h / 2) * (h / 2);
                            sum += m;
                            sq += m * m;
                            count++;
                        }
                    }
                }
            }
            total += sq / count - (sum / count) * (sum / count);
        }
        return total / seeds;
    }

    @Test
    void noiseDependsOnTheSeed() {
        assertThat(InitialNoise.fourImages(1, 0.5f, 1, 4, 4)).isEqualTo(InitialNoise.fourImages(1, 0.5f, 1, 4, 4));
        assertThat(InitialNoise.fourImages(1, 0.5f, 1, 4, 4)).isNotEqualTo(InitialNoise.fourImages(2, 0.5f, 1, 4, 4));
    }

    private static double correlation(float[] x, int a, int b, int n) {
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += x[a + i] * x[b + i];
            saa += x[a + i] * x[a + i];
            sbb += x[b + i] * x[b + i];
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
