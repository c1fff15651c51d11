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
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        long seed,
        int aspectWidth,
        int aspectHeight,
        double quality,
        int stylize,
        int chaos) {}
