package dev.imagine.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the user asked for, after parsing and validation. The seed is always concrete (chosen at
 * submission when the prompt has none) so that a re-queued job renders the identical grid.
 *
 * @param modelVersion  model version key as used by the kernels' registry, e.g. "v8"; "upscaler" for an upscale
 * @param aspectWidth   --ar width term
 * @param aspectHeight  --ar height term
 * @param quality       --q: 0.25, 0.5, 1 or 2 (scales the step count)
 * @param stylize       --stylize 0..1000 (guidance strength)
 * @param chaos         --chaos 0..100 (how far apart the four images start)
 * @param derivation    for an action on an earlier grid (upscale, variation, reroll, remix): what it starts from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
        Lane lane,
        Derivation derivation) {

    public JobSpec(String prompt, String negativePrompt, String modelVersion, int aspectWidth, int aspectHeight,
                   long seed, double quality, int stylize, int chaos, Lane lane) {
        this(prompt, negativePrompt, modelVersion, aspectWidth, aspectHeight, seed, quality, stylize, chaos, lane, null);
    }

    /**
     * A job made from image {@code index} (1–4) of its parent's grid.
     *
     * @param action   "upscale", "variation", "reroll" or "remix"
     * @param strength for a variation or remix, how far the result may move from the source: 0 (none) to 1 (a new
     *                 image); 0 otherwise
     * @param source   the image store key it starts from: the parent's grid for an upscale, the parent's final
     *                 latents for a variation or remix; null for a reroll
     */
    public record Derivation(String parentId, String action, int index, double strength, String source) {
    }

    public JobSpec withSeed(long newSeed) {
        return new JobSpec(prompt, negativePrompt, modelVersion, aspectWidth, aspectHeight, newSeed,
                quality, stylize, chaos, lane, derivation);
    }

    public JobSpec withLane(Lane newLane) {
        return new JobSpec(prompt, negativePrompt, modelVersion, aspectWidth, aspectHeight, seed,
                quality, stylize, chaos, newLane, derivation);
    }

    public JobSpec derivedFrom(Derivation from, String version) {
        return new JobSpec(prompt, negativePrompt, version, aspectWidth, aspectHeight, seed, quality, stylize, chaos, lane,
                from);
    }
}
