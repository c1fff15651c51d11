package dev.imagine.kernels;

/**
 * A deterministic sampler: walks the latents from pure noise to a clean sample in {@link #steps()}
 * network evaluations. Instances are per generate call (cheap) and hold only the schedule.
 */
interface Sampler {

    int steps();

    /** The network's time input at step (0-based), on DiT's 0..1000 scale. */
    double modelTime(int step);

    /**
     * Advances x in place past this step given the (guided) network output, and writes the current
     * estimate of the clean latents to x0 (used for previews).
     */
    void step(int step, float[] x, float[] modelOutput, float[] x0);

    /** Writes to {@code out} the clean latents noised to the level this step starts from (for SDEdit). */
    void noised(int step, float[] clean, float[] noise, float[] out);

    /** Which sampler a model version uses. */
    enum Kind {
        /** DDIM, eta = 0, epsilon prediction. */
        DDIM,
        /** Rectified flow, Euler steps, velocity prediction. */
        RECTIFIED_FLOW;

        Sampler create(int steps) {
            return switch (this) {
                case DDIM -> new DdimSampler(steps);
                case RECTIFIED_FLOW -> new RectifiedFlowSampler(steps);
            };
        }
    }
}
