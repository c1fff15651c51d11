package dev.imagine.kernels;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.TensorOps;

/**
 * The diffusion transformer forward pass: DiT blocks (Peebles &amp; Xie, adaLN-Zero modulated from the
 * timestep embedding) with PixArt-α's cross-attention to the text tokens between self-attention and the
 * MLP. Stateless apart from the read-only weights; activations live in a per-call {@link Workspace}, so
 * the sampling loop allocates nothing.
 *
 * <p>Shapes (B batch, T tokens, D hidden, L text tokens): latents [B][4][H][W] are cut into 2x2 patches,
 * T = (H/2)(W/2) tokens of 16 values, embedded to [B*T][D] plus a fixed 2-D sin-cos position. c[B][D] =
 * MLP(sinusoid_256(t)). Text states [B][L][Dt] go through y_embedder's MLP once per call, and each block's
 * cross-attention keys and values are computed from them once per call, not once per step.
 * <pre>
 * x += gate_msa · SelfAttn(LN(x)·(1 + scale_msa) + shift_msa)
 * x += CrossAttn(q = x, kv = text)
 * x += gate_mlp · MLP(LN(x)·(1 + scale_mlp) + shift_mlp)
 * </pre>
 */
final class DitNetwork {

    static final float LN_EPS = 1e-6f;

    private final DitWeights w;
    private final TensorOps ops;
    private final int hidden;

    DitNetwork(DitWeights weights, TensorOps ops) {
        this.w = weights;
        this.ops = ops;
        this.hidden = weights.hidden;
    }

    /** Buffers for one generate call: B items on an H x W latent with L text tokens each. */
    final class Workspace {
        final int batch;
        final int latentH;
        final int latentW;
        final int tokens;
        final int textTokens;
        final float[] pos;
        final float[] patches;
        final float[] x;
        final float[] norm;
        final float[] qkv;
        final float[] attn;
        final float[] branch;
        final float[] mlp;
        final float[] crossQ;
        final float[][] crossKv;
        final float[] outPatches;
        final float[] freq = new float[ModelPreset.TIME_FREQUENCIES];
        final float[] tHidden = new float[hidden];
        final float[] tEmb = new float[hidden];
        final float[] c;
        final float[] siluC;
        final float[] mod;
        final AttentionShape selfAttention;
        final AttentionShape crossAttention;

        Workspace(int batch, int latentH, int latentW, int textTokens, int[] textLengths) {
            this.batch = batch;
            this.latentH = latentH;
            this.latentW = latentW;
            this.textTokens = textTokens;
            int gridH = latentH / DitWeights.PATCH;
            int gridW = latentW / DitWeights.PATCH;
            this.tokens = gridH * gridW;
            int rows = batch * tokens;
            pos = Embeddings.position2d(gridH, gridW, hidden);
            patches = new float[rows * DitWeights.PATCH_DIM];
            x = new float[rows * hidden];
            norm = new float[rows * hidden];
            qkv = new float[rows * 3 * hidden];
            attn = new float[rows * hidden];
            branch = new float[rows * hidden];
            mlp = new float[rows * hidden * ModelPreset.MLP_RATIO];
            crossQ = new float[rows * hidden];
            crossKv = new float[w.blocks.length][batch * textTokens * 2 * hidden];
            outPatches = new float[rows * DitWeights.PATCH_DIM];
            c = new float[batch * hidden];
            siluC = new float[batch * hidden];
            mod = new float[batch * 6 * hidden];
            int heads = w.preset.heads();
            selfAttention = AttentionShape.selfAttention(batch, tokens, heads, hidden / heads);
            crossAttention = AttentionShape.crossAttention(batch, tokens, textTokens, heads, hidden / heads, textLengths);
        }
    }

    /**
     * A workspace whose cross-attention keys and values are computed from the text states now, once.
     *
     * @param text states [batch][textTokens][textWidth] and per-item lengths, from the text encoder
     */
    Workspace workspace(int latentH, int latentW, TextEncoder.Encoded text) {
        if (latentH % DitWeights.PATCH != 0 || latentW % DitWeights.PATCH != 0) {
            throw new IllegalArgumentException("latent " + latentW + "x" + latentH + " not divisible by the patch size");
        }
        Workspace ws = new Workspace(text.prompts(), latentH, latentW, text.maxTokens(), text.lengths());
        int rows = text.prompts() * text.maxTokens();
        float[] mid = new float[rows * hidden];
        float[] y = new float[rows * hidden];
        w.caption1.apply(ops, text.states(), rows, mid);
        ops.geluTanh(mid, rows * hidden);
        w.caption2.apply(ops, mid, rows, y);
        for (int i = 0; i < w.blocks.length; i++) {
            w.blocks[i].crossKv().apply(ops, y, rows, ws.crossKv[i]);
        }
        return ws;
    }

    /**
     * One network evaluation.
     *
     * @param latents   [B][4][H][W]
     * @param modelTime timestep on the 0..1000 scale, shared by the batch
     * @param out       [B][4][H][W]: predicted epsilon or velocity, depending on the sampler
     */
    void forward(Workspace ws, float[] latents, double modelTime, float[] out) {
        int b = ws.batch;
        int t = ws.tokens;
        int d = hidden;
        int rows = b * t;

        patchify(ws, latents);
        w.patchEmbed.apply(ops, ws.patches, rows, ws.x);
        for (int i = 0; i < b; i++) {
            addAt(ws.x, i * t * d, ws.pos, 0, t * d);
        }

        Embeddings.timestep(modelTime, ModelPreset.TIME_FREQUENCIES, ws.freq);
        w.time1.apply(ops, ws.freq, 1, ws.tHidden);
        ops.silu(ws.tHidden, ws.tHidden, d);
        w.time2.apply(ops, ws.tHidden, 1, ws.tEmb);
        for (int i = 0; i < b; i++) {
            System.arraycopy(ws.tEmb, 0, ws.c, i * d, d);
        }
        ops.silu(ws.c, ws.siluC, b * d);

        int mlp = d * ModelPreset.MLP_RATIO;
        int ms = 6 * d;
        for (int i = 0; i < w.blocks.length; i++) {
            DitWeights.Block block = w.blocks[i];
            // mod per item: shift_msa | scale_msa | gate_msa | shift_mlp | scale_mlp | gate_mlp
            block.adaLN().apply(ops, ws.siluC, b, ws.mod);

            ops.layerNormModulate(ws.x, b, t, d, LN_EPS, ws.mod, ms, 0, d, ws.norm);
            block.qkv().apply(ops, ws.norm, rows, ws.qkv);
            ops.attention(ws.selfAttention, ws.qkv, ws.qkv, ws.qkv, ws.attn);
            block.proj().apply(ops, ws.attn, rows, ws.branch);
            ops.gatedAdd(ws.x, ws.branch, b, t, d, ws.mod, ms, 2 * d);

            block.crossQ().apply(ops, ws.x, rows, ws.crossQ);
            ops.attention(ws.crossAttention, ws.crossQ, ws.crossKv[i], ws.crossKv[i], ws.attn);
            block.crossProj().apply(ops, ws.attn, rows, ws.branch);
            ops.add(ws.x, ws.branch, rows * d);

            ops.layerNormModulate(ws.x, b, t, d, LN_EPS, ws.mod, ms, 3 * d, 4 * d, ws.norm);
            block.fc1().apply(ops, ws.norm, rows, ws.mlp);
            ops.geluTanh(ws.mlp, rows * mlp);
            block.fc2().apply(ops, ws.mlp, rows, ws.branch);
            ops.gatedAdd(ws.x, ws.branch, b, t, d, ws.mod, ms, 5 * d);
        }

        // Final layer: shift | scale from c, modulated layer norm, linear to patch values.
        w.finalAdaLN.apply(ops, ws.siluC, b, ws.mod);
        ops.layerNormModulate(ws.x, b, t, d, LN_EPS, ws.mod, 2 * d, 0, d, ws.norm);
        w.finalLinear.apply(ops, ws.norm, rows, ws.outPatches);
        unpatchify(ws, out);
    }

    /** [B][C][H][W] to [B*T][(py, px, c)], tokens in row-major grid order. */
    private static void patchify(Workspace ws, float[] latents) {
        forEachPatchValue(ws, (latentIndex, patchIndex) -> ws.patches[patchIndex] = latents[latentIndex]);
    }

    private static void unpatchify(Workspace ws, float[] out) {
        forEachPatchValue(ws, (latentIndex, patchIndex) -> out[latentIndex] = ws.outPatches[patchIndex]);
    }

    private interface IndexPair {
        void accept(int latentIndex, int patchIndex);
    }

    private static void forEachPatchValue(Workspace ws, IndexPair f) {
        int p = DitWeights.PATCH;
        int ch = DitWeights.LATENT_CHANNELS;
        int h = ws.latentH;
        int wd = ws.latentW;
        int gridW = wd / p;
        for (int b = 0; b < ws.batch; b++) {
            for (int c = 0; c < ch; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < wd; x++) {
                        int token = b * ws.tokens + (y / p) * gridW + x / p;
                        int inPatch = ((y % p) * p + x % p) * ch + c;
                        f.accept(((b * ch + c) * h + y) * wd + x, token * DitWeights.PATCH_DIM + inPatch);
                    }
                }
            }
        }
    }

    /** x[xOff + i] += y[yOff + i] for i < n. */
    private static void addAt(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] += y[yOff + i];
        }
    }
}
