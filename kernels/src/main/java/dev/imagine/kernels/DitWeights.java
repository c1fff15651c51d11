package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;

/**
 * All DiT parameters, generated at load time from a seed derived from (version, preset). Every
 * tensor draws from its own named stream (names follow the DiT reference's state dict), so adding
 * or reordering tensors never changes the others, and the safetensors loader of a later issue can
 * fill the same fields by name.
 *
 * <p>Init: weights ~ N(0, 1) * gain / sqrt(fan_in), biases 0, so activations keep roughly unit
 * scale through the net. DiT zero-initialises the adaLN-Zero projections (and the final linear) so
 * that training starts from an identity network; with untrained weights that would make every
 * block a no-op and the output identically zero, so here they get a small nonzero gain instead.
 */
final class DitWeights {

    /** Patch size p: each token covers p x p latent pixels. */
    static final int PATCH = 2;
    /** Latent channels, as in Stable Diffusion's VAE. */
    static final int LATENT_CHANNELS = 4;
    /** Values per patch: p * p * channels, in (py, px, c) order. */
    static final int PATCH_DIM = PATCH * PATCH * LATENT_CHANNELS;
    /** Gain of the adaLN projections: small but nonzero (see class comment). */
    static final double ADALN_GAIN = 0.5;

    record Block(Linear adaLN, Linear qkv, Linear proj, Linear fc1, Linear fc2) {}

    final ModelPreset preset;
    final int hidden;
    final Linear patchEmbed;
    final float[] tokenEmbedding; // [VOCAB][hidden]
    final Linear text1;
    final Linear text2;
    final Linear time1;
    final Linear time2;
    final Block[] blocks;
    final Linear finalAdaLN;
    final Linear finalLinear;

    private final long seed;
    private final TensorOps ops;

    DitWeights(long seed, ModelPreset preset, TensorOps ops) {
        this.seed = seed;
        this.ops = ops;
        this.preset = preset;
        this.hidden = preset.hiddenSize();
        int h = hidden;
        patchEmbed = linear("x_embedder.proj", PATCH_DIM, h, 1.0);
        tokenEmbedding = new SplitMix64(SplitMix64.derive(seed, "y_embedder.embedding_table.weight"))
                .gaussians(ModelPreset.VOCAB * h, 1.0);
        text1 = linear("y_embedder.mlp.0", h, h, 1.0);
        text2 = linear("y_embedder.mlp.2", h, h, 1.0);
        time1 = linear("t_embedder.mlp.0", h, h, 1.0); // frequency embedding width = hidden
        time2 = linear("t_embedder.mlp.2", h, h, 1.0);
        blocks = new Block[preset.depth()];
        int mlp = h * ModelPreset.MLP_RATIO;
        for (int i = 0; i < blocks.length; i++) {
            String p = "blocks." + i + ".";
            blocks[i] = new Block(
                    linear(p + "adaLN_modulation.1", h, 6 * h, ADALN_GAIN),
                    linear(p + "attn.qkv", h, 3 * h, 1.0),
                    linear(p + "attn.proj", h, h, 1.0),
                    linear(p + "mlp.fc1", h, mlp, 1.0),
                    linear(p + "mlp.fc2", mlp, h, 1.0));
        }
        finalAdaLN = linear("final_layer.adaLN_modulation.1", h, 2 * h, ADALN_GAIN);
        finalLinear = linear("final_layer.linear", h, PATCH_DIM, 1.0);
    }

    /** The weight seed of a model: FNV-1a of "version/PRESET", mixed. */
    static long seedFor(String version, ModelPreset preset) {
        return SplitMix64.mix(SplitMix64.fnv1a64(version + "/" + preset.name()));
    }

    private Linear linear(String name, int in, int out, double gain) {
        float[] w = new SplitMix64(SplitMix64.derive(seed, name + ".weight"))
                .gaussians(in * out, gain / StrictMath.sqrt(in));
        return new Linear(ops.prepare(w, in, out), new float[out], in, out);
    }

    long parameterCount() {
        long n = patchEmbed.parameterCount() + tokenEmbedding.length + text1.parameterCount()
                + text2.parameterCount() + time1.parameterCount() + time2.parameterCount()
                + finalAdaLN.parameterCount() + finalLinear.parameterCount();
        for (Block b : blocks) {
            n += b.adaLN.parameterCount() + b.qkv.parameterCount() + b.proj.parameterCount()
                    + b.fc1.parameterCount() + b.fc2.parameterCount();
        }
        return n;
    }
}
