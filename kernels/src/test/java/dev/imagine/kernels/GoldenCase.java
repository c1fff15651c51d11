package dev.imagine.kernels;

import dev.imagine.kernels.weights.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The golden case shared by {@link GoldenTest} and the PyTorch reference (kernels/src/test/python):
 * TINY v8, one prompt and a negative prompt, seed 7, 1:1, --q 1, default stylize. {@link #main} writes the
 * model's safetensors files and the inputs the reference needs (token ids, initial noise, sampling
 * parameters); {@code kernels/python/make-goldens.sh} then runs the reference, which writes the expected outputs.
 */
final class GoldenCase {
    static final String VERSION = "v8";
    static final ModelPreset PRESET = ModelPreset.TINY;
    static final GenerationRequest REQUEST =
            new GenerationRequest("a red fox in snow, golden hour", "blurry", 7, 1, 1, 1, 100, 0);

    private GoldenCase() {
    }

    /** args: golden directory (inputs written here), model directory (weights written here). */
    public static void main(String[] args) throws IOException {
        Path golden = Path.of(args[0]);
        Path modelDir = Path.of(args[1]);
        ModelStore.generate(VERSION, PRESET, Sampler.Kind.RECTIFIED_FLOW, modelDir);
        SamplingPlan plan = FlagMapping.plan(REQUEST, PRESET);
        int lh = plan.imageHeight() / LatentDecoder.SCALE;
        int lw = plan.imageWidth() / LatentDecoder.SCALE;
        float[] noise = InitialNoise.fourImages(REQUEST.seed(), plan.chaosSpread(), DitWeights.LATENT_CHANNELS, lh, lw);
        int[] prompt = BpeTokenizer.standard().encode(REQUEST.prompt());
        int[] negative = BpeTokenizer.standard().encode(REQUEST.negativePrompt());
        new SafeTensorsWriter()
                .putInts("prompt_ids", prompt, prompt.length)
                .putInts("negative_ids", negative, negative.length)
                .put("noise", noise, InitialNoise.IMAGES, DitWeights.LATENT_CHANNELS, lh, lw)
                .metadata("steps", Integer.toString(plan.steps()))
                .metadata("guidance", Float.toString(plan.guidanceScale()))
                .metadata("sampler", "rectified_flow")
                .metadata("prompt", REQUEST.prompt())
                .metadata("negative", REQUEST.negativePrompt())
                .write(golden.resolve("tiny-v8-inputs.safetensors"));
    }
}
