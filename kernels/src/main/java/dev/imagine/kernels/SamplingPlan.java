package dev.imagine.kernels;

/**
 * The resolved sampling plan: what a request's flags mean for one model.
 *
 * @param imageWidth    width of each of the four images in pixels (a multiple of 16)
 * @param imageHeight   height of each of the four images in pixels (a multiple of 16)
 * @param steps         number of sampler steps (network evaluations)
 * @param guidanceScale classifier-free guidance scale g: out = uncond + g * (cond - uncond)
 * @param chaosSpread   0..1, how independent the four images' starting noises are
 */
public record SamplingPlan(int imageWidth, int imageHeight, int steps, float guidanceScale, float chaosSpread) {}
