package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.parallel.SequenceExchange;
import dev.imagine.kernels.weights.WeightSource;

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
    private final ModelConfig config;
    private final Sampler.Kind samplerKind;
    private final TensorOps ops;
    private final DitWeights weights;
    private final TextEncoder textEncoder;
    private final DitNetwork network;
    private final LatentDecoder decoder;
    /** Pixel space: the trained upscaler the grid is shown through, or null. */
    private final PixelUpscaler upscaler;

    DitDiffusionModel(String version, ModelPreset preset, Sampler.Kind samplerKind, WeightSource source, TensorOps ops) {
        this(version, preset, preset.config(version, samplerKind), source, ops);
    }

    /**
     * @param preset the preset the caller asked for: a trained config ignores it for its shapes but keeps it as
     *               the slot's size class
     */
    DitDiffusionModel(String version, ModelPreset preset, ModelConfig config, WeightSource source, TensorOps ops) {
        this.version = version;
        this.preset = preset;
        this.config = config;
        this.samplerKind = config.sampler();
        this.ops = ops;
        this.weights = new DitWeights(source, config, config.depth(), ops);
        this.textEncoder = new TextEncoder(source, config, ops);
        this.network = new DitNetwork(weights, ops);
        this.decoder = config.pixelSpace() ? null : new LatentDecoder(source, config, ops);
        this.upscaler = config.displayScale() > 1 ? new PixelUpscaler(source, ops) : null;
    }

    @Override
    public String backend() {
        return ops.backend() + " (" + ops.executionMode() + ")";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public ModelPreset preset() {
        return preset;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public java.util.List<String> ignoredWords(String prompt) {
        return textEncoder.tokenizer().ignoredWords(prompt);
    }

    Sampler.Kind samplerKind() {
        return samplerKind;
    }

    long parameterCount() {
        return weights.parameterCount() + textEncoder.parameterCount();
    }

    @Override
    public long flopsPerGrid(GenerationRequest request) {
        SamplingPlan plan = plan(request);
        Tokenizer tokenizer = textEncoder.tokenizer();
        int textTokens = Math.max(tokenizer.encode(request.prompt()).length, tokenizer.encode(negative(request)).length);
        return FlopCount.grid(config, plan.imageWidth(), plan.imageHeight(), plan.steps(), textTokens);
    }

    @Override
    public int steps(GenerationRequest request) {
        SamplingPlan plan = plan(request);
        if (request.init() == null) {
            return plan.steps();
        }
        int perImage = config.imageChannels() * (plan.imageHeight() / config.latentScale())
                * (plan.imageWidth() / config.latentScale());
        return plan.steps() - firstStep(request.init(), plan.steps(), perImage);
    }

    @Override
    public SamplingPlan plan(GenerationRequest request) {
        return FlagMapping.plan(request, config);
    }

    @Override
    public GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel) {
        return generate(request, progress, cancel, null);
    }

    @Override
    public GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel,
                                  SequenceExchange gang) {
        long start = System.nanoTime();
        Objects.requireNonNull(request, "request");
        CancellationToken token = cancel == null ? new CancellationToken() : cancel;
        SamplingPlan plan = plan(request);
        int lh = plan.imageHeight() / config.latentScale();
        int lw = plan.imageWidth() / config.latentScale();
        int perImage = config.imageChannels() * lh * lw;

        float[] x = sampleLatents(request, progress, token, gang);
        token.throwIfCancelled();
        if (gang != null && gang.rank() != 0) {
            int scale = displayScale();
            return new GeneratedGrid(new byte[0], 2 * scale * plan.imageWidth(), 2 * scale * plan.imageHeight(), plan.steps(),
                    (System.nanoTime() - start) / 1_000_000, x);
        }
        int scale = displayScale();
        int[][] images = new int[IMAGES][];
        for (int i = 0; i < IMAGES; i++) {
            images[i] = decoder != null ? decoder.decode(x, i * perImage, lh, lw)
                    : upscaler != null ? GridImage.pixels(upscaler.upscale(x, i * perImage, lh, lw), 0, scale * lh, scale * lw)
                    : GridImage.pixels(x, i * perImage, lh, lw);
        }
        int w = scale * plan.imageWidth();
        int h = scale * plan.imageHeight();
        byte[] png = GridImage.gridPng(images, w, h);
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        return new GeneratedGrid(png, 2 * w, 2 * h, plan.steps(), elapsed, x);
    }

    /**
     * The sampling loop: four latents [4][4][h][w] from the seed's noise to clean, each step one batched
     * forward of cond and uncond copies (batch 8) and the guided update.
     */
    float[] sampleLatents(GenerationRequest request, ProgressListener progress, CancellationToken token,
                          SequenceExchange gang) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        SamplingPlan plan = plan(request);
        int lh = plan.imageHeight() / config.latentScale();
        int lw = plan.imageWidth() / config.latentScale();
        int channels = config.imageChannels();
        int perImage = channels * lh * lw;
        int half = IMAGES * perImage;

        Sampler sampler = samplerKind.create(plan.steps());
        int first = 0;
        float[] x = InitialNoise.fourImages(request.seed(), plan.chaosSpread(), channels, lh, lw);
        if (request.init() != null) {
            first = firstStep(request.init(), sampler.steps(), perImage);
            // every image from the one source, each re-noised with its own noise: four variations of it
            float[] clean = new float[half];
            for (int i = 0; i < IMAGES; i++) {
                System.arraycopy(request.init().latents(), 0, clean, i * perImage, perImage);
            }
            float[] noise = InitialNoise.fourImages(request.seed(), 0f, channels, lh, lw);
            sampler.noised(first, clean, noise, x);
        }
        DitNetwork.Workspace ws = network.workspace(lh, lw, batchText(textEncoder.encode(request.prompt(), negative(request))),
                gang);
        float[] batchIn = new float[2 * half];
        float[] out = new float[2 * half];
        float[] guided = new float[half];
        float[] x0 = new float[half];
        float g = plan.guidanceScale();

        for (int s = first; s < sampler.steps(); s++) {
            token.throwIfCancelled();
            System.arraycopy(x, 0, batchIn, 0, half);
            System.arraycopy(x, 0, batchIn, half, half);
            network.forward(ws, batchIn, sampler.modelTime(s), out);
            for (int i = 0; i < half; i++) {
                float uncond = out[half + i];
                guided[i] = uncond + g * (out[i] - uncond);
            }
            sampler.step(s, x, guided, x0);
            int step = s + 1;
            boolean preview = listener != ProgressListener.NONE
                    && (step % config.previewEverySteps() == 0 || step == sampler.steps());
            listener.onStep(step - first, sampler.steps() - first, preview ? preview(x0, lh, lw) : null);
        }
        return x;
    }

    /** How much larger than rendered the grid shows each image. */
    private int displayScale() {
        return upscaler == null ? 1 : config.displayScale();
    }

    private byte[] preview(float[] x0, int h, int w) {
        if (decoder != null) {
            return GridImage.previewPng(x0, h, w);
        }
        int[][] images = new int[IMAGES][];
        for (int i = 0; i < IMAGES; i++) {
            images[i] = GridImage.pixels(x0, i * 3 * h * w, h, w);
        }
        return GridImage.gridPng(images, w, h);
    }

    /** The step an init at this strength starts from: the last {@code strength} of the steps run, at least one. */
    static int firstStep(GenerationRequest.Init init, int steps, int perImage) {
        if (init.latents().length != perImage) {
            throw new IllegalArgumentException("init latents have " + init.latents().length + " values; this request's"
                    + " image size needs " + perImage + " (a variation keeps its parent's --ar)");
        }
        int run = Math.max(1, (int) Math.round(init.strength() * steps));
        return steps - Math.min(steps, run);
    }

    private static String negative(GenerationRequest request) {
        return request.negativePrompt() == null ? "" : request.negativePrompt();
    }

    /** The batch's text: items 0..3 the prompt, 4..7 the negative prompt ("" = unconditional). */
    static TextEncoder.Encoded batchText(TextEncoder.Encoded two) {
        int perPrompt = two.maxTokens() * two.width();
        float[] states = new float[BATCH * perPrompt];
        int[] lengths = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int source = i < IMAGES ? 0 : 1;
            System.arraycopy(two.states(), source * perPrompt, states, i * perPrompt, perPrompt);
            lengths[i] = two.lengths()[source];
        }
        return new TextEncoder.Encoded(states, BATCH, two.maxTokens(), two.width(), lengths);
    }

    @Override
    public String toString() {
        return "DiT " + version + "/" + (config.pixelSpace() ? "trained " + config.hiddenSize() + "x" + config.depth()
                : preset.name()) + " (" + samplerKind + ")";
    }
}
