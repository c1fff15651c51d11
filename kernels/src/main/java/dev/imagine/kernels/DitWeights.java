package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.Init;
import dev.imagine.kernels.weights.WeightSource;

/**
 * The transformer's parameters under the public checkpoint names: DiT's ({@code x_embedder},
 * {@code t_embedder}, {@code blocks.N.adaLN_modulation.1}, {@code attn.qkv}, {@code mlp.fc1}, …,
 * {@code final_layer}) and PixArt-α's for text conditioning ({@code y_embedder.y_proj},
 * {@code blocks.N.cross_attn.q_linear / kv_linear / proj}).
 *
 * <p>Untrained init: DiT zero-initialises the adaLN-Zero projections and the final linear so training
 * starts from an identity network; with untrained weights that would make every block a no-op and the
 * output zero, so here they get a small nonzero gain instead.
 */
final class DitWeights {

    static final String COMPONENT = "transformer";
    /** Latent channels of the generated presets, as in Stable Diffusion's VAE. */
    static final int LATENT_CHANNELS = 4;
    /** Gain of the adaLN projections: small but nonzero (see class comment). */
    static final double ADALN_GAIN = 0.5;

    record Block(Linear adaLN, Linear qkv, Linear proj, Linear crossQ, Linear crossKv, Linear crossProj,
                 Linear fc1, Linear fc2) {
    }

    final ModelConfig config;
    final int hidden;
    final int patch;
    final int channels;
    final int patchDim;
    final Linear patchEmbed;
    final Linear time1;
    final Linear time2;
    final Linear caption1;
    final Linear caption2;
    /** Pooled text to the conditioning (null when the config has none). */
    final Linear pooledProj;
    final Block[] blocks;
    final Linear finalAdaLN;
    final Linear finalLinear;

    /** @param depth blocks to load: the preset's depth, or fewer for a partial (benchmark) network */
    DitWeights(WeightSource source, ModelConfig config, int depth, TensorOps ops) {
        this.config = config;
        this.hidden = config.hiddenSize();
        this.patch = config.patch();
        this.channels = config.imageChannels();
        this.patchDim = config.patchDim();
        int h = hidden;
        Layers layers = new Layers(source, ops, COMPONENT);
        patchEmbed = patchEmbed(layers, ops, h);
        time1 = layers.linear("t_embedder.mlp.0", ModelPreset.TIME_FREQUENCIES, h);
        time2 = layers.linear("t_embedder.mlp.2", h, h);
        caption1 = layers.linear("y_embedder.y_proj.fc1", config.textHidden(), h);
        caption2 = layers.linear("y_embedder.y_proj.fc2", h, h);
        pooledProj = config.pooledText() ? layers.linear("y_embedder.pooled_proj", config.textHidden(), h) : null;
        blocks = new Block[depth];
        int mlp = h * config.mlpRatio();
        for (int i = 0; i < depth; i++) {
            String p = "blocks." + i + ".";
            blocks[i] = new Block(
                    layers.linear(p + "adaLN_modulation.1", h, 6 * h, new Init.Normal(ADALN_GAIN)),
                    layers.linear(p + "attn.qkv", h, 3 * h),
                    layers.linear(p + "attn.proj", h, h),
                    layers.linear(p + "cross_attn.q_linear", h, h),
                    layers.linear(p + "cross_attn.kv_linear", h, 2 * h),
                    layers.linear(p + "cross_attn.proj", h, h, new Init.Normal(ADALN_GAIN)),
                    layers.linear(p + "mlp.fc1", h, mlp),
                    layers.linear(p + "mlp.fc2", mlp, h));
        }
        finalAdaLN = layers.linear("final_layer.adaLN_modulation.1", h, 2 * h, new Init.Normal(ADALN_GAIN));
        finalLinear = layers.linear("final_layer.linear", h, patchDim);
    }

    /**
     * DiT's patch embedding is a Conv2d [hidden][4][p][p] with stride p; as a Linear over our (py, px, c)
     * patch vectors its weight is that kernel reordered to [(py, px, c)][hidden].
     */
    private Linear patchEmbed(Layers layers, TensorOps ops, int h) {
        int p = patch;
        int ch = channels;
        float[] conv = layers.tensor("x_embedder.proj.weight", new Init.Normal(1.0), h, ch, p, p);
        float[] bias = layers.tensor("x_embedder.proj.bias", Init.ZERO, h);
        float[] w = new float[patchDim * h];
        for (int o = 0; o < h; o++) {
            for (int c = 0; c < ch; c++) {
                for (int py = 0; py < p; py++) {
                    for (int px = 0; px < p; px++) {
                        int row = (py * p + px) * ch + c;
                        w[row * h + o] = conv[((o * ch + c) * p + py) * p + px];
                    }
                }
            }
        }
        return new Linear(ops.prepare(w, patchDim, h), bias, patchDim, h);
    }

    long parameterCount() {
        long n = patchEmbed.parameterCount() + time1.parameterCount() + time2.parameterCount()
                + caption1.parameterCount() + caption2.parameterCount()
                + (pooledProj == null ? 0 : pooledProj.parameterCount())
                + finalAdaLN.parameterCount() + finalLinear.parameterCount();
        for (Block b : blocks) {
            n += b.adaLN.parameterCount() + b.qkv.parameterCount() + b.proj.parameterCount()
                    + b.crossQ.parameterCount() + b.crossKv.parameterCount() + b.crossProj.parameterCount()
                    + b.fc1.parameterCount() + b.fc2.parameterCount();
        }
        return n;
    }
}
