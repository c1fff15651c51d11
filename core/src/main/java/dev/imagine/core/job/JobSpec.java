package dev.imagine.core.job;

/**
 * What the user asked for, after parsing and validation. The seed is always concrete (chosen at
 * submission when the prompt has none) so that a re-queued job renders the identical grid.
 *
 * @param modelVersion  model version key as used by the kernels' registry, e.g. "v8"
 * @param aspectWidth   --ar width term
 * @param aspectHeight  --ar height term
 * @param quality       --q: 0.25, 0.5, 1 or 2 (scales the step count)
 * @param stylize       --stylize 0..1000 (guidance strength)
 * @param chaos         --chaos 0..100 (how far apart the four images start)
 */
public record JobSpec(
        String prompt,
        String negativePrompt,
        String modelVersion,
        int aspectWidth,
        int aspectHeight,
        long seed,
        double quality,
        int stylize,
        int chaos,
        Lane lane) {

    public JobSpec withSeed(long newSeed) {
        return new JobSpec(prompt, negativePrompt, modelVersion, aspectWidth, aspectHeight, newSeed,
                quality, stylize, chaos, lane);
    }
}
