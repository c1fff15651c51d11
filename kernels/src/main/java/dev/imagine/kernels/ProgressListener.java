package dev.imagine.kernels;

/** Called on the generating thread after every sampler step. */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param step       1..totalSteps
     * @param totalSteps the plan's step count
     * @param previewPng a small PNG of the current 2x2 grid estimate, or null (one is only made
     *                   every {@link ModelPreset#previewEverySteps()} steps and on the last step)
     */
    void onStep(int step, int totalSteps, byte[] previewPng);

    /** Ignores progress; the model then skips building previews altogether. */
    ProgressListener NONE = (s, t, p) -> {};
}
