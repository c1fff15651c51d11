package dev.imagine.kernels;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.TensorOps;

/**
 * The diffusion transformer forward pass (Peebles &amp; Xie, "Scalable Diffusion Models with
 * Transformers", adaLN-Zero variant), written against {@link TensorOps}. Stateless apart from the
 * read-only weights; all activations live in a per-call {@link Workspace}.
 *
 * <p>Shapes (B batch, T tokens, D hidden): latents [B][4][H][W] are cut into 2x2 patches, giving
 * T = (H/2)(W/2) tokens of 16 values, embedded to [B*T][D] plus a fixed 2-D sin-cos position. The
 * conditioning c[B][D] = MLP(sinusoid(t)) + MLP(mean of prompt token embeddings). Each block
 * modulates layer norms with shift/scale/gate vectors projected from SiLU(c). The final layer maps
 * back to 16 values per token and un-patches to [B][4][H][W].
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

    /** Buffers for one generate call: B items on an H x W latent. */
    final class Workspace {
        final int batch;
        final int latentH;
        final int latentW;
        final int tokens;
        final float[] pos;
        final float[] patches;
        final float[] x;
        final float[] norm;
        final float[] qkv;
        final float[] attn;
        final float[] branch;
        final float[] mlp;
        final float[] outPatches;
        final float[] freq = new float[hidden];
        final float[] tHidden = new float[hidden];
        final float[] tEmb = new float[hidden];
        final float[] c;
        final float[] siluC;
        final float[] mod;
        final AttentionShape selfAttention;

        Workspace(int batch, int latentH, int latentW) {
            this.batch = batch;
            this.latentH = latentH;
            this.latentW = latentW;
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
            outPatches = new float[rows * DitWeights.PATCH_DIM];
            c = new float[batch * hidden];
            siluC = new float[batch * hidden];
            mod = new float[batch * 6 * hidden];
            selfAttention = AttentionShape.selfAttention(batch, tokens, w.preset.heads(), hidden / w.preset.heads());
        }
    }

    Workspace workspace(int batch, int latentH, int latentW) {
        if (latentH % DitWeights.PATCH != 0 || latentW % DitWeights.PATCH != 0) {
            throw new IllegalArgumentException("latent " + latentW + "x" + latentH + " not divisible by the patch size");
        }
        return new Workspace(batch, latentH, latentW);
    }

    /** A prompt's contribution to c: mean-pooled token embeddings through Linear-SiLU-Linear. */
    float[] encodeText(String prompt) {
        int[] ids = Tokenizer.encode(prompt, ModelPreset.VOCAB);
        float[] pooled = new float[hidden];
        for (int id : ids) {
            addAt(pooled, 0, w.tokenEmbedding, id * hidden, hidden);
        }
        float inv = 1f / ids.length;
        for (int j = 0; j < hidden; j++) {
            pooled[j] *= inv;
        }
        float[] mid = new float[hidden];
        w.text1.apply(ops, pooled, 1, mid);
        ops.silu(mid, mid, hidden);
        float[] out = new float[hidden];
        w.text2.apply(ops, mid, 1, out);
        return out;
    }

    /**
     * One network evaluation.
     *
     * @param latents   [B][4][H][W]
     * @param modelTime timestep on the 0..1000 scale, shared by the batch
     * @param textCond  [B][D], from {@link #encodeText}
     * @param out       [B][4][H][W]: predicted epsilon or velocity, depending on the sampler
     */
    void forward(Workspace ws, float[] latents, double modelTime, float[] textCond, float[] out) {
        int b = ws.batch;
        int t = ws.tokens;
        int d = hidden;
        int rows = b * t;

        patchify(ws, latents);
        w.patchEmbed.apply(ops, ws.patches, rows, ws.x);
        for (int i = 0; i < b; i++) {
            addAt(ws.x, i * t * d, ws.pos, 0, t * d);
        }

        Embeddings.timestep(modelTime, d, ws.freq);
        w.time1.apply(ops, ws.freq, 1, ws.tHidden);
        ops.silu(ws.tHidden, ws.tHidden, d);
        w.time2.apply(ops, ws.tHidden, 1, ws.tEmb);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                ws.c[i * d + j] = ws.tEmb[j] + textCond[i * d + j];
            }
        }
        ops.silu(ws.c, ws.siluC, b * d);

        int mlp = d * ModelPreset.MLP_RATIO;
        for (DitWeights.Block block : w.blocks) {
            // mod per item: shift_msa | scale_msa | gate_msa | shift_mlp | scale_mlp | gate_mlp
            block.adaLN().apply(ops, ws.siluC, b, ws.mod);
            int ms = 6 * d;

            ops.layerNormModulate(ws.x, b, t, d, LN_EPS, ws.mod, ms, 0, d, ws.norm);
            block.qkv().apply(ops, ws.norm, rows, ws.qkv);
            ops.attention(ws.selfAttention, ws.qkv, ws.qkv, ws.qkv, ws.attn);
            block.proj().apply(ops, ws.attn, rows, ws.branch);
            ops.gatedAdd(ws.x, ws.branch, b, t, d, ws.mod, ms, 2 * d);

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
