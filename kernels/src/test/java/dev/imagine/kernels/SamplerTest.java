package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamplerTest {

    private static final float[] CLEAN = {0.5f, -1.25f, 2f, 0f};
    private static final float[] NOISE = {1.1f, 0.3f, -0.7f, -2f};

    /** A perfect velocity model: v = noise - x0 is constant along the path, so Euler is exact. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 20})
    void rectifiedFlowWithTheTrueVelocityLandsOnTheCleanSample(int steps) {
        Sampler sampler = Sampler.Kind.RECTIFIED_FLOW.create(steps);
        float[] x = NOISE.clone();
        float[] v = new float[4];
        float[] x0 = new float[4];
        assertThat(sampler.modelTime(0)).isEqualTo(1000.0);
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < 4; i++) {
                v[i] = NOISE[i] - CLEAN[i];
            }
            sampler.step(s, x, v, x0);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(x[i]).isCloseTo(CLEAN[i], offset(1e-5f));
        }
    }

    /** A perfect epsilon model: DDIM (eta 0) keeps the same noise and ends exactly on x0. */
    @ParameterizedTest
    @ValueSource(ints = {1, 4, 20})
    void ddimWithTheTrueNoiseLandsOnTheCleanSample(int steps) {
        DdimSampler sampler = new DdimSampler(steps);
        assertThat(sampler.trainTimestep(0)).isEqualTo(999);
        double a = DdimSampler.alphaBar(999);
        float[] x = new float[4];
        for (int i = 0; i < 4; i++) {
            x[i] = (float) (Math.sqrt(a) * CLEAN[i] + Math.sqrt(1 - a) * NOISE[i]);
        }
        float[] x0 = new float[4];
        for (int s = 0; s < steps; s++) {
            sampler.step(s, x, NOISE, x0);
            for (int i = 0; i < 4; i++) {
                assertThat(x0[i]).isCloseTo(CLEAN[i], offset(1e-4f));
            }
        }
        for (int i = 0; i < 4; i++) {
            assertThat(x[i]).isCloseTo(CLEAN[i], offset(1e-4f));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 20, 40})
    void ddimTimestepsDescendFrom999(int steps) {
        DdimSampler sampler = new DdimSampler(steps);
        int prev = 1000;
        for (int s = 0; s < steps; s++) {
            assertThat(sampler.trainTimestep(s)).isLessThan(prev).isGreaterThanOrEqualTo(0);
            prev = sampler.trainTimestep(s);
        }
    }
}
