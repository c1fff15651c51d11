package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;

import java.util.Objects;

/**
 * A loaded DiT model version: conditioning, classifier-free-guided sampling loop, decoding and the
 * grid PNG. Immutable after construction, so {@link #generate} is safe from many threads.
 */
final class DitDiffusionModel implements DiffusionModel {

    private static final int IMAGES = InitialNoise.IMAGES;
    /** Cond and uncond copies of the four latents go through the network as one batch. */
    private static final int BATCH = 2 * IMAGES;

    private final String version;
    private final ModelPreset preset;
    private final Sampler.Kind samplerKind;
    private final DitWeights weights;
    private final DitNetwork network;
    private final LatentDecoder decoder;

    DitDiffusionModel(String version, ModelPreset preset, Sampler.Kind samplerKind, TensorOps ops) {
        this.version = version;
        this.preset = preset;
        this.samplerKind = samplerKind;
        long seed = DitWeights.seedFor(version, preset);
        this.weights = new DitWeights(seed, preset, ops);
        this.network = new DitNetwork(weights, ops);
        this.decoder = new LatentDecoder(seed, preset, ops);
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public ModelPreset preset() {
        return preset;
    }

    Sampler.Kind samplerKind() {
        return samplerKind;
    }

    long parameterCount() {
        return weights.parameterCount();
    }

    @Override
    public SamplingPlan plan(GenerationRequest request) {
        return FlagMapping.plan(request, preset);
    }

    @Override
    public GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel) {
        long start = System.nanoTime();
        Objects.requireNonNull(request, "request");
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        CancellationToken token = cancel == null ? new CancellationToken() : cancel;

        SamplingPlan plan = plan(request);
        int lh = plan.imageHeight() / LatentDecoder.SCALE;
        int lw = plan.imageWidth() / LatentDecoder.SCALE;
        int perImage = DitWeights.LATENT_CHANNELS * lh * lw;
        int half = IMAGES * perImage;

        float[] x = InitialNoise.fourImages(request.seed(), plan.chaosSpread(), perImage);
        float[] text = textConditioning(request);
        DitNetwork.Workspace ws = network.workspace(BATCH, lh, lw);
        float[] batchIn = new float[2 * half];
        float[] out = new float[2 * half];
        float[] guided = new float[half];
        float[] x0 = new float[half];
        float g = plan.guidanceScale();

        Sampler sampler = samplerKind.create(plan.steps());
        for (int s = 0; s < sampler.steps(); s++) {
            token.throwIfCancelled();
            System.arraycopy(x, 0, batchIn, 0, half);
            System.arraycopy(x, 0, batchIn, half, half);
            network.forward(ws, batchIn, sampler.modelTime(s), text, out);
            for (int i = 0; i < half; i++) {
                float uncond = out[half + i];
                guided[i] = uncond + g * (out[i] - uncond);
            }
            sampler.step(s, x, guided, x0);
            int step = s + 1;
            boolean preview = listener != ProgressListener.NONE
                    && (step % preset.previewEverySteps() == 0 || step == sampler.steps());
            listener.onStep(step, sampler.steps(), preview ? GridImage.previewPng(x0, lh, lw) : null);
        }
        token.throwIfCancelled();

        int[][] images = new int[IMAGES][];
        for (int i = 0; i < IMAGES; i++) {
            images[i] = decoder.decode(x, i * perImage, lh, lw);
        }
        byte[] png = GridImage.gridPng(images, plan.imageWidth(), plan.imageHeight());
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        return new GeneratedGrid(png, 2 * plan.imageWidth(), 2 * plan.imageHeight(), plan.steps(), elapsed);
    }

    /** [8][hidden]: rows 0..3 the prompt, rows 4..7 the negative prompt ("" = unconditional). */
    private float[] textConditioning(GenerationRequest request) {
        int d = weights.hidden;
        float[] cond = network.encodeText(request.prompt());
        float[] uncond = network.encodeText(request.negativePrompt() == null ? "" : request.negativePrompt());
        float[] text = new float[BATCH * d];
        for (int i = 0; i < IMAGES; i++) {
            System.arraycopy(cond, 0, text, i * d, d);
            System.arraycopy(uncond, 0, text, (IMAGES + i) * d, d);
        }
        return text;
    }

    @Override
    public String toString() {
        return "DiT " + version + "/" + preset + " (" + samplerKind + ")";
    }
}
