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
    void chaosZeroSharesMostOfTheNoiseAndChaos100NoneOfIt() {
        int n = 20_000;
        float[] calm = InitialNoise.fourImages(99, 0f, n);
        float[] wild = InitialNoise.fourImages(99, 1f, n);
        assertThat(correlation(calm, 0, n, n)).isCloseTo(1 - 0.35 * 0.35, offset(0.03));
        assertThat(correlation(wild, 0, n, n)).isCloseTo(0, offset(0.03));
        assertThat(correlation(wild, 2 * n, 3 * n, n)).isCloseTo(0, offset(0.03));
    }

    @Test
    void noiseDependsOnTheSeed() {
        assertThat(InitialNoise.fourImages(1, 0.5f, 16)).isEqualTo(InitialNoise.fourImages(1, 0.5f, 16));
        assertThat(InitialNoise.fourImages(1, 0.5f, 16)).isNotEqualTo(InitialNoise.fourImages(2, 0.5f, 16));
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
