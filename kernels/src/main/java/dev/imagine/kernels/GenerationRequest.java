package dev.imagine.kernels;

/**
 * What a job asks for. The flags are the user's raw values, already validated by the API; {@link
 * DiffusionModel#plan} decides what they mean for a given model.
 *
 * @param prompt         the text to draw
 * @param negativePrompt what to steer away from; {@code ""} if none
 * @param seed           the whole grid is a pure function of the request, this seed included
 * @param aspectWidth    --ar width term
 * @param aspectHeight   --ar height term
 * @param quality        --q: 0.25, 0.5, 1 or 2 (scales the step count)
 * @param stylize        --stylize 0..1000 (classifier-free guidance strength)
 * @param chaos          --chaos 0..100 (how far apart the four images start)
 * @param init           null to start from noise; else the latents of one earlier image that all four start from
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        long seed,
        int aspectWidth,
        int aspectHeight,
        double quality,
        int stylize,
        int chaos,
        Init init) {

    public GenerationRequest(String prompt, String negativePrompt, long seed, int aspectWidth, int aspectHeight,
                             double quality, int stylize, int chaos) {
        this(prompt, negativePrompt, seed, aspectWidth, aspectHeight, quality, stylize, chaos, null);
    }

    /**
     * Start from an earlier image instead of noise (SDEdit): its clean latents are noised to the sampler's level at
     * {@code strength} (each of the four images with its own noise, from the seed) and denoised from there, so the
     * last {@code strength} of the steps run. A variation is subtle at 0.35 and strong at 0.7; a remix, with a new
     * prompt, 0.8.
     *
     * @param latents  one image's latents, [channels][h/8][w/8], as {@link GeneratedGrid#latents} holds them
     * @param strength 0 (the image unchanged) to 1 (pure noise: a new image)
     */
    public record Init(float[] latents, double strength) {
        public Init {
            if (!(strength > 0 && strength <= 1)) {
                throw new IllegalArgumentException("strength must be in (0, 1]: " + strength);
            }
        }
    }
}
