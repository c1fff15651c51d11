package dev.imagine.kernels;

/**
 * Rectified flow (Liu et al. 2022; SD3-style): x_t = (1 - t) x0 + t noise, the model predicts the
 * velocity v = noise - x0, and Euler steps go from t = 1 (noise) to t = 0 with uniform dt = 1/steps.
 */
final class RectifiedFlowSampler implements Sampler {

    private final int steps;

    RectifiedFlowSampler(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1: " + steps);
        }
        this.steps = steps;
    }

    @Override
    public int steps() {
        return steps;
    }

    double time(int step) {
        return 1.0 - (double) step / steps;
    }

    @Override
    public double modelTime(int step) {
        return time(step) * 1000.0;
    }

    @Override
    public void step(int step, float[] x, float[] v, float[] x0) {
        float t = (float) time(step);
        float dt = 1f / steps;
        for (int i = 0; i < x.length; i++) {
            x0[i] = x[i] - t * v[i];
            x[i] -= dt * v[i];
        }
    }

    @Override
    public void noised(int step, float[] clean, float[] noise, float[] out) {
        float t = (float) time(step);
        for (int i = 0; i < out.length; i++) {
            out[i] = (1 - t) * clean[i] + t * noise[i];
        }
    }
}
