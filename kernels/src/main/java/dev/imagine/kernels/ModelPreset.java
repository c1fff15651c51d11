package dev.imagine.kernels;

/**
 * Network shapes and sampling budget of a model size. TINY is for tests (a grid in well under a
 * second); SMALL is the default of {@code imagine up} (a grid in a few seconds on two CPU cores); XL
 * has DiT-XL/2's transformer shapes (depth 28, hidden 1152, 16 heads) for FLOP accounting, benchmarks
 * and GPUs. See kernels/README.md for the numbers of each.
 */
public enum ModelPreset {
    //    hidden heads depth | text: hidden heads layers | pixels/image | steps preview | decoder widths
    TINY(32, 2, 2, 32, 2, 1, 64 * 64, 4, 2, new int[] {16, 16, 8, 8}),
    SMALL(128, 4, 4, 128, 4, 2, 128 * 128, 20, 5, new int[] {32, 24, 16, 16}),
    XL(1152, 16, 28, 768, 12, 12, 256 * 256, 28, 7, new int[] {128, 128, 64, 32});

    /** MLP hidden width = hidden size * MLP_RATIO, as in DiT. */
    static final int MLP_RATIO = 4;
    /** Width of the sinusoidal timestep features fed to t_embedder (DiT's frequency_embedding_size). */
    static final int TIME_FREQUENCIES = 256;

    private final int hiddenSize;
    private final int heads;
    private final int depth;
    private final int textHidden;
    private final int textHeads;
    private final int textLayers;
    private final int pixelsPerImage;
    private final int baseSteps;
    private final int previewEverySteps;
    private final int[] decoderChannels;

    ModelPreset(int hiddenSize, int heads, int depth, int textHidden, int textHeads, int textLayers,
            int pixelsPerImage, int baseSteps, int previewEverySteps, int[] decoderChannels) {
        this.hiddenSize = hiddenSize;
        this.heads = heads;
        this.depth = depth;
        this.textHidden = textHidden;
        this.textHeads = textHeads;
        this.textLayers = textLayers;
        this.pixelsPerImage = pixelsPerImage;
        this.baseSteps = baseSteps;
        this.previewEverySteps = previewEverySteps;
        this.decoderChannels = decoderChannels;
    }

    /** Transformer width (token embedding size). */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Attention heads per block; hiddenSize / heads is the head dimension. */
    public int heads() {
        return heads;
    }

    /** Number of DiT blocks. */
    public int depth() {
        return depth;
    }

    /** Text encoder width. */
    public int textHidden() {
        return textHidden;
    }

    public int textHeads() {
        return textHeads;
    }

    public int textLayers() {
        return textLayers;
    }

    /** Pixel budget of one image; --ar reshapes it but keeps the area. */
    public int pixelsPerImage() {
        return pixelsPerImage;
    }

    /** Steps at --q 1. */
    public int baseSteps() {
        return baseSteps;
    }

    /** A preview PNG is attached to every n-th progress call (and the last). */
    public int previewEverySteps() {
        return previewEverySteps;
    }

    /** The preset's shapes as a model config: latent space (4 channels, VAE /8), patch 2, BPE text. */
    public ModelConfig config(String version, Sampler.Kind sampler) {
        return new ModelConfig(version, hiddenSize, heads, depth, MLP_RATIO, 2, 4, 8, decoderChannels.clone(),
                textHidden, textHeads, textLayers, BpeTokenizer.standard(), false, sampler, pixelsPerImage, baseSteps,
                previewEverySteps, 4.5f, 1);
    }

    /** Decoder widths: after the input conv and after each of the three 2x upsample stages. */
    int[] decoderChannels() {
        return decoderChannels.clone();
    }
}
