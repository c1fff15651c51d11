package dev.imagine.kernels;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.Init;
import dev.imagine.kernels.weights.WeightSource;

/**
 * A small transformer text encoder under CLIP's checkpoint names ({@code text_model.embeddings.*},
 * {@code text_model.encoder.layers.N.self_attn.q_proj}, {@code layer_norm1}, {@code mlp.fc1}, …,
 * {@code text_model.final_layer_norm}): pre-LayerNorm blocks, GELU MLPs. Unlike CLIP it attends in both
 * directions (as T5's encoder in PixArt-α does), with padding masked out, since the DiT reads every
 * token through cross-attention rather than a pooled end token.
 */
final class TextEncoder {
    static final String COMPONENT = "text_encoder";
    private static final float LN_EPS = 1e-5f;

    /** Per-token states of several prompts, padded to the longest: states [prompts][maxTokens][width]. */
    record Encoded(float[] states, int prompts, int maxTokens, int width, int[] lengths) {
    }

    private record Layer(float[][] norm1, Linear q, Linear k, Linear v, Linear out, float[][] norm2, Linear fc1,
                         Linear fc2) {
    }

    private final TensorOps ops;
    private final Tokenizer tokenizer;
    private final int width;
    private final int heads;
    private final float[] tokenEmbedding;
    private final float[] positionEmbedding;
    private final Layer[] layers;
    private final float[][] finalNorm;

    TextEncoder(WeightSource source, ModelConfig config, TensorOps ops) {
        this.ops = ops;
        this.tokenizer = config.tokenizer();
        this.width = config.textHidden();
        this.heads = config.textHeads();
        Layers l = new Layers(source, ops, COMPONENT);
        int w = width;
        tokenEmbedding = l.tensor("text_model.embeddings.token_embedding.weight", new Init.Gaussian(1.0),
                tokenizer.vocabSize(), w);
        positionEmbedding = l.tensor("text_model.embeddings.position_embedding.weight", new Init.Gaussian(0.1),
                tokenizer.maxTokens(), w);
        layers = new Layer[config.textLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "text_model.encoder.layers." + i + ".";
            layers[i] = new Layer(l.layerNorm(p + "layer_norm1", w),
                    l.linear(p + "self_attn.q_proj", w, w), l.linear(p + "self_attn.k_proj", w, w),
                    l.linear(p + "self_attn.v_proj", w, w), l.linear(p + "self_attn.out_proj", w, w, new Init.Normal(0.5)),
                    l.layerNorm(p + "layer_norm2", w),
                    l.linear(p + "mlp.fc1", w, 4 * w), l.linear(p + "mlp.fc2", 4 * w, w, new Init.Normal(0.5)));
        }
        finalNorm = l.layerNorm("text_model.final_layer_norm", w);
    }

    Tokenizer tokenizer() {
        return tokenizer;
    }

    int width() {
        return width;
    }

    Encoded encode(String... prompts) {
        int[][] ids = new int[prompts.length][];
        int maxTokens = 1;
        for (int i = 0; i < prompts.length; i++) {
            ids[i] = tokenizer.encode(prompts[i]);
            maxTokens = Math.max(maxTokens, ids[i].length);
        }
        int b = prompts.length;
        int rows = b * maxTokens;
        int w = width;
        float[] x = new float[rows * w];
        int[] lengths = new int[b];
        for (int p = 0; p < b; p++) {
            lengths[p] = ids[p].length;
            for (int t = 0; t < maxTokens; t++) {
                int id = t < ids[p].length ? ids[p][t] : BpeTokenizer.PAD;
                int o = (p * maxTokens + t) * w;
                for (int j = 0; j < w; j++) {
                    x[o + j] = tokenEmbedding[id * w + j] + positionEmbedding[t * w + j];
                }
            }
        }
        float[] h = new float[rows * w];
        float[] q = new float[rows * w];
        float[] k = new float[rows * w];
        float[] v = new float[rows * w];
        float[] attn = new float[rows * w];
        float[] branch = new float[rows * w];
        float[] mlp = new float[rows * 4 * w];
        AttentionShape shape = new AttentionShape(b, heads, w / heads, maxTokens, maxTokens, w, 0, w, 0, w, 0, lengths);
        for (Layer layer : layers) {
            ops.layerNorm(x, rows, w, LN_EPS, layer.norm1()[0], layer.norm1()[1], h);
            layer.q().apply(ops, h, rows, q);
            layer.k().apply(ops, h, rows, k);
            layer.v().apply(ops, h, rows, v);
            ops.attention(shape, q, k, v, attn);
            layer.out().apply(ops, attn, rows, branch);
            ops.add(x, branch, rows * w);
            ops.layerNorm(x, rows, w, LN_EPS, layer.norm2()[0], layer.norm2()[1], h);
            layer.fc1().apply(ops, h, rows, mlp);
            ops.geluTanh(mlp, rows * 4 * w);
            layer.fc2().apply(ops, mlp, rows, branch);
            ops.add(x, branch, rows * w);
        }
        float[] out = new float[rows * w];
        ops.layerNorm(x, rows, w, LN_EPS, finalNorm[0], finalNorm[1], out);
        return new Encoded(out, b, maxTokens, w, lengths);
    }

    long parameterCount() {
        long n = tokenEmbedding.length + positionEmbedding.length + 2L * width;
        for (Layer layer : layers) {
            n += 4L * width + layer.q().parameterCount() + layer.k().parameterCount() + layer.v().parameterCount()
                    + layer.out().parameterCount() + layer.fc1().parameterCount() + layer.fc2().parameterCount();
        }
        return n;
    }
}
