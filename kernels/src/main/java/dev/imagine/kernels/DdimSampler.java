package dev.imagine.kernels;

/**
 * DDIM (Song et al. 2020) with eta = 0 over a 1000-step scaled-linear beta schedule (Stable
 * Diffusion 1.x: betas from 0.00085 to 0.012, linear in sqrt). The model predicts epsilon.
 * Timesteps use "trailing" spacing, so the first step always starts at t = 999 (pure noise) even
 * with a single step; the last step lands on alpha_bar = 1, i.e. returns the x0 estimate.
 */
final class DdimSampler implements Sampler {

    static final int TRAIN_STEPS = 1000;
    /** x0 estimates are clipped to this range: latents of a real VAE live within about +-4. */
    static final float X0_CLIP = 3f;

    private static final double[] ALPHA_BAR = alphaBar();

    private final int steps;

    DdimSampler(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1: " + steps);
        }
        this.steps = steps;
    }

    @Override
    public int steps() {
        return steps;
    }

    /** Trailing spacing: round(T - s*T/steps) - 1, from 999 down; -1 means "clean". */
    int trainTimestep(int step) {
        return (int) Math.round(TRAIN_STEPS - (double) step * TRAIN_STEPS / steps) - 1;
    }

    /** Cumulative alpha product at a training timestep 0..999. */
    static double alphaBar(int trainTimestep) {
        return ALPHA_BAR[trainTimestep];
    }

    @Override
    public double modelTime(int step) {
        return trainTimestep(step);
    }

    @Override
    public void step(int step, float[] x, float[] eps, float[] x0) {
        double a = ALPHA_BAR[trainTimestep(step)];
        int prev = step + 1 < steps ? trainTimestep(step + 1) : -1;
        double aPrev = prev >= 0 ? ALPHA_BAR[prev] : 1.0;
        float sqrtA = (float) StrictMath.sqrt(a);
        float sqrt1mA = (float) StrictMath.sqrt(1.0 - a);
        float sqrtAPrev = (float) StrictMath.sqrt(aPrev);
        float sqrt1mAPrev = (float) StrictMath.sqrt(1.0 - aPrev);
        for (int i = 0; i < x.length; i++) {
            float est = (x[i] - sqrt1mA * eps[i]) / sqrtA;
            est = Math.max(-X0_CLIP, Math.min(X0_CLIP, est));
            x0[i] = est;
            x[i] = sqrtAPrev * est + sqrt1mAPrev * eps[i];
        }
    }

    @Override
    public void noised(int step, float[] clean, float[] noise, float[] out) {
        double a = ALPHA_BAR[trainTimestep(step)];
        float sqrtA = (float) StrictMath.sqrt(a);
        float sqrt1mA = (float) StrictMath.sqrt(1.0 - a);
        for (int i = 0; i < out.length; i++) {
            out[i] = sqrtA * clean[i] + sqrt1mA * noise[i];
        }
    }

    private static double[] alphaBar() {
        double lo = StrictMath.sqrt(0.00085);
        double hi = StrictMath.sqrt(0.012);
        double[] out = new double[TRAIN_STEPS];
        double prod = 1.0;
        for (int i = 0; i < TRAIN_STEPS; i++) {
            double sqrtBeta = lo + (hi - lo) * i / (TRAIN_STEPS - 1);
            prod *= 1.0 - sqrtBeta * sqrtBeta;
            out[i] = prod;
        }
        return out;
    }
}
