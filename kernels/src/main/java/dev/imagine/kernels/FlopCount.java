package dev.imagine.kernels;

import dev.imagine.kernels.ops.AttentionShape;

/**
 * FLOPs of the networks from their shapes alone (a multiply-add counts 2), the seed's "petaops per
 * image" arithmetic for our own models. Matmuls and attention only: norms and activations are a few
 * percent and are left out, as the usual accounting does.
 */
public final class FlopCount {
    private FlopCount() {
    }

    /** One DiT forward over a batch: patch embed, t embed, per block adaLN + self-attn + cross-attn + MLP, final layer. */
    public static long ditForward(ModelConfig preset, int batch, int tokens, int textTokens) {
        long rows = (long) batch * tokens;
        long d = preset.hiddenSize();
        int heads = preset.heads();
        long selfAttention = AttentionShape.selfAttention(batch, tokens, heads, (int) d / heads).flops();
        long crossAttention = AttentionShape.crossAttention(batch, tokens, textTokens, heads, (int) d / heads, null).flops();
        long perBlock = 2 * batch * d * 6 * d
                + 2 * rows * d * 3 * d + selfAttention + 2 * rows * d * d
                + 2 * rows * d * d + crossAttention + 2 * rows * d * d
                + 2 * rows * d * preset.mlpRatio() * d * 2;
        long once = 2 * rows * preset.patchDim() * d * 2                       // patch embed + final linear
                + 2L * (ModelPreset.TIME_FREQUENCIES * d + d * d) + 2 * batch * d * 2 * d;
        return preset.depth() * perBlock + once;
    }

    /** The y_embedder and every block's cross-attention keys/values: once per grid, not per step. */
    public static long textConditioning(ModelConfig preset, int batch, int textTokens) {
        long rows = (long) batch * textTokens;
        long d = preset.hiddenSize();
        return 2 * rows * (preset.textHidden() * d + d * d) + preset.depth() * 2 * rows * d * 2 * d;
    }

    /** The text encoder over the prompt and the negative prompt. */
    public static long textEncoder(ModelConfig preset, int textTokens) {
        long rows = 2L * textTokens;
        long w = preset.textHidden();
        long attention = AttentionShape.selfAttention(2, textTokens, preset.textHeads(), (int) w / preset.textHeads()).flops();
        return preset.textLayers() * (2 * rows * w * w * 4 + attention + 2 * rows * w * 4 * w * 2);
    }

    /** Decoding one image of width x height pixels. */
    public static long decoder(ModelConfig preset, int width, int height) {
        return preset.pixelSpace() ? 0 : LatentDecoder.flops(preset, width, height);
    }

    /** A whole 2x2 grid: text, every step's CFG forward (batch 8), four decodes. */
    public static long grid(ModelConfig preset, int width, int height, int steps, int textTokens) {
        int side = preset.sideMultiple();
        int tokens = (height / side) * (width / side);
        return textEncoder(preset, textTokens) + textConditioning(preset, 8, textTokens)
                + (long) steps * ditForward(preset, 8, tokens, textTokens) + 4 * decoder(preset, width, height);
    }

    /** The generated presets' counts (latent space, patch 2). */
    public static long ditForward(ModelPreset preset, int batch, int tokens, int textTokens) {
        return ditForward(config(preset), batch, tokens, textTokens);
    }

    public static long textConditioning(ModelPreset preset, int batch, int textTokens) {
        return textConditioning(config(preset), batch, textTokens);
    }

    public static long textEncoder(ModelPreset preset, int textTokens) {
        return textEncoder(config(preset), textTokens);
    }

    public static long decoder(ModelPreset preset, int width, int height) {
        return decoder(config(preset), width, height);
    }

    public static long grid(ModelPreset preset, int width, int height, int steps, int textTokens) {
        return grid(config(preset), width, height, steps, textTokens);
    }

    private static ModelConfig config(ModelPreset preset) {
        return preset.config("v8", Sampler.Kind.RECTIFIED_FLOW);
    }
}
