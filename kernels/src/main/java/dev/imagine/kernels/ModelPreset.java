package dev.imagine.kernels;

/**
 * Network size and sampling budget of a model. TINY is for tests (a grid in well under a second);
 * SMALL is the default (a grid in a few seconds on one CPU core). See kernels/README.md.
 */
public enum ModelPreset {
    TINY(32, 2, 2, 64 * 64, 4, 2, new int[] {16, 16, 8, 8}),
    SMALL(128, 4, 4, 128 * 128, 20, 5, new int[] {32, 24, 16, 16});

    /** Word-hash vocabulary of the toy tokenizer, shared by all presets. */
    static final int VOCAB = 4096;
    /** MLP hidden width = hidden size * MLP_RATIO, as in DiT. */
    static final int MLP_RATIO = 4;

    private final int hiddenSize;
    private final int heads;
    private final int depth;
    private final int pixelsPerImage;
    private final int baseSteps;
    private final int previewEverySteps;
    private final int[] decoderChannels;

    ModelPreset(int hiddenSize, int heads, int depth, int pixelsPerImage, int baseSteps,
            int previewEverySteps, int[] decoderChannels) {
        this.hiddenSize = hiddenSize;
        this.heads = heads;
        this.depth = depth;
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

    /** Decoder widths: after the input conv and after each of the three 2x upsample stages. */
    int[] decoderChannels() {
        return decoderChannels.clone();
    }
}
