package dev.imagine.kernels;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.parallel.ExchangeTag;
import dev.imagine.kernels.parallel.SequenceExchange;
import dev.imagine.kernels.parallel.SequenceShard;

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
 *
 * <p>Sequence parallel (a workspace with a {@link SequenceExchange} of k ranks): each rank embeds, normalises,
 * projects and runs the MLP and cross-attention on its own 1/k of the tokens, all row-wise. Self-attention is
 * Ulysses: an all-to-all turns "my tokens, all heads" into "all tokens, my H/k heads", each head attends over its
 * whole key sequence in the same order as on one rank, and a second all-to-all turns it back. The final
 * layer's patches are gathered to every rank, so all ranks hold the same output and step the sampler alike.
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
        /** Per item: pooled_proj(mean of its valid text states), added to the timestep embedding (or null). */
        final float[] pooled;
        final float[] siluC;
        final float[] mod;
        final AttentionShape selfAttention;
        final AttentionShape crossAttention;
        /** This rank's tokens of each item (all of them on one rank) and where they start. */
        final SequenceShard shard;
        final int localTokens;
        final SequenceExchange gang;
        final float[] outPatchesAll;
        /** Ulysses: all tokens' q|k|v of my heads, their attention output, and the all-to-all buffers per peer. */
        final float[] qkvAll;
        final float[] attnAll;
        final float[][] qkvSend;
        final float[][] qkvReceive;
        final float[][] outSend;
        final float[][] outReceive;
        final float[][] gatherSend;
        final float[][] gatherReceive;
        int calls;

        Workspace(int batch, int latentH, int latentW, int textTokens, int[] textLengths, SequenceExchange gang) {
            this.batch = batch;
            this.latentH = latentH;
            this.latentW = latentW;
            this.textTokens = textTokens;
            int gridH = latentH / w.patch;
            int gridW = latentW / w.patch;
            this.tokens = gridH * gridW;
            int heads = w.config.heads();
            int headDim = hidden / heads;
            this.gang = gang != null && gang.size() > 1 ? gang : null;
            this.shard = this.gang == null ? SequenceShard.single(tokens, heads)
                    : new SequenceShard(gang.rank(), gang.size(), tokens, heads);
            this.localTokens = shard.localTokens();
            int rows = batch * localTokens;
            float[] allPos = Embeddings.position2d(gridH, gridW, hidden);
            pos = java.util.Arrays.copyOfRange(allPos, shard.firstToken() * hidden,
                    (shard.firstToken() + localTokens) * hidden);
            patches = new float[rows * w.patchDim];
            x = new float[rows * hidden];
            norm = new float[rows * hidden];
            qkv = new float[rows * 3 * hidden];
            attn = new float[rows * hidden];
            branch = new float[rows * hidden];
            mlp = new float[rows * hidden * w.config.mlpRatio()];
            crossQ = new float[rows * hidden];
            crossKv = new float[w.blocks.length][batch * textTokens * 2 * hidden];
            outPatches = new float[rows * w.patchDim];
            c = new float[batch * hidden];
            pooled = w.pooledProj == null ? null : new float[batch * hidden];
            siluC = new float[batch * hidden];
            mod = new float[batch * 6 * hidden];
            crossAttention = AttentionShape.crossAttention(batch, localTokens, textTokens, heads, headDim, textLengths);
            int k = shard.size();
            int mine = shard.headsPerRank() * headDim;
            selfAttention = AttentionShape.selfAttention(batch, tokens, shard.headsPerRank(), headDim);
            qkvAll = k == 1 ? null : new float[batch * tokens * 3 * mine];
            attnAll = k == 1 ? null : new float[batch * tokens * mine];
            outPatchesAll = k == 1 ? outPatches : new float[batch * tokens * w.patchDim];
            qkvSend = new float[k][];
            qkvReceive = new float[k][];
            outSend = new float[k][];
            outReceive = new float[k][];
            gatherSend = new float[k][];
            gatherReceive = new float[k][];
            for (int r = 0; r < k && k > 1; r++) {
                qkvSend[r] = new float[batch * localTokens * 3 * mine];
                qkvReceive[r] = new float[batch * shard.tokensOf(r) * 3 * mine];
                outSend[r] = new float[batch * shard.tokensOf(r) * mine];
                outReceive[r] = new float[batch * localTokens * mine];
                gatherSend[r] = outPatches;
                gatherReceive[r] = new float[batch * shard.tokensOf(r) * w.patchDim];
            }
        }
    }

    /**
     * A workspace whose cross-attention keys and values are computed from the text states now, once.
     *
     * @param text states [batch][textTokens][textWidth] and per-item lengths, from the text encoder
     */
    Workspace workspace(int latentH, int latentW, TextEncoder.Encoded text) {
        return workspace(latentH, latentW, text, null);
    }

    /** As {@link #workspace(int, int, TextEncoder.Encoded)}, for one rank of a sequence-parallel gang (null: alone). */
    Workspace workspace(int latentH, int latentW, TextEncoder.Encoded text, SequenceExchange gang) {
        if (latentH % w.patch != 0 || latentW % w.patch != 0) {
            throw new IllegalArgumentException("latent " + latentW + "x" + latentH + " not divisible by the patch size");
        }
        Workspace ws = new Workspace(text.prompts(), latentH, latentW, text.maxTokens(), text.lengths(), gang);
        int rows = text.prompts() * text.maxTokens();
        float[] mid = new float[rows * hidden];
        float[] y = new float[rows * hidden];
        w.caption1.apply(ops, text.states(), rows, mid);
        ops.geluTanh(mid, rows * hidden);
        w.caption2.apply(ops, mid, rows, y);
        for (int i = 0; i < w.blocks.length; i++) {
            w.blocks[i].crossKv().apply(ops, y, rows, ws.crossKv[i]);
        }
        if (ws.pooled != null) {
            w.pooledProj.apply(ops, meanOfValid(text), text.prompts(), ws.pooled);
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
        int t = ws.localTokens;
        int d = hidden;
        int call = ws.calls++;
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
            if (ws.pooled != null) {
                addAt(ws.c, i * d, ws.pooled, i * d, d);
            }
        }
        ops.silu(ws.c, ws.siluC, b * d);

        int mlp = d * w.config.mlpRatio();
        int ms = 6 * d;
        for (int i = 0; i < w.blocks.length; i++) {
            DitWeights.Block block = w.blocks[i];
            // mod per item: shift_msa | scale_msa | gate_msa | shift_mlp | scale_mlp | gate_mlp
            block.adaLN().apply(ops, ws.siluC, b, ws.mod);

            ops.layerNormModulate(ws.x, b, t, d, LN_EPS, ws.mod, ms, 0, d, ws.norm);
            block.qkv().apply(ops, ws.norm, rows, ws.qkv);
            selfAttention(ws, call, i);
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
        if (ws.gang != null) {
            gatherPatches(ws, call);
        }
        unpatchify(ws, out);
    }

    private void selfAttention(Workspace ws, int call, int layer) {
        if (ws.gang == null) {
            ops.attention(ws.selfAttention, ws.qkv, ws.qkv, ws.qkv, ws.attn);
            return;
        }
        SequenceShard shard = ws.shard;
        int me = shard.rank();
        int k = shard.size();
        int mine = shard.headsPerRank() * (hidden / shard.heads());
        int b = ws.batch;
        int t = ws.localTokens;
        // my tokens, rank r's heads: q | k | v blocks of width `mine` per row
        for (int r = 0; r < k; r++) {
            float[] send = r == me ? ws.qkvReceive[me] : ws.qkvSend[r];
            for (int row = 0; row < b * t; row++) {
                for (int part = 0; part < 3; part++) {
                    System.arraycopy(ws.qkv, row * 3 * hidden + part * hidden + r * mine, send, (row * 3 + part) * mine, mine);
                }
            }
        }
        ws.gang.exchange(new ExchangeTag(call, layer, ExchangeTag.Phase.QKV), ws.qkvSend, ws.qkvReceive);
        for (int r = 0; r < k; r++) {
            int from = shard.tokenStart(r);
            int n = shard.tokensOf(r);
            for (int item = 0; item < b; item++) {
                System.arraycopy(ws.qkvReceive[r], item * n * 3 * mine,
                        ws.qkvAll, (item * ws.tokens + from) * 3 * mine, n * 3 * mine);
            }
        }
        ops.attention(ws.selfAttention, ws.qkvAll, ws.qkvAll, ws.qkvAll, ws.attnAll);
        // rank r's tokens, my heads; then my tokens, every rank's heads, back in head order
        for (int r = 0; r < k; r++) {
            int from = shard.tokenStart(r);
            int n = shard.tokensOf(r);
            float[] send = r == me ? ws.outReceive[me] : ws.outSend[r];
            for (int item = 0; item < b; item++) {
                System.arraycopy(ws.attnAll, (item * ws.tokens + from) * mine, send, item * n * mine, n * mine);
            }
        }
        ws.gang.exchange(new ExchangeTag(call, layer, ExchangeTag.Phase.ATTENTION_OUT), ws.outSend, ws.outReceive);
        for (int r = 0; r < k; r++) {
            for (int row = 0; row < b * t; row++) {
                System.arraycopy(ws.outReceive[r], row * mine, ws.attn, row * hidden + r * mine, mine);
            }
        }
    }

    /** Every rank's final patches to every rank, in token order, so all hold the whole prediction. */
    private void gatherPatches(Workspace ws, int call) {
        SequenceShard shard = ws.shard;
        ws.gang.exchange(new ExchangeTag(call, -1, ExchangeTag.Phase.GATHER), ws.gatherSend, ws.gatherReceive);
        int pd = w.patchDim;
        for (int r = 0; r < shard.size(); r++) {
            float[] from = r == shard.rank() ? ws.outPatches : ws.gatherReceive[r];
            int n = shard.tokensOf(r);
            for (int item = 0; item < ws.batch; item++) {
                System.arraycopy(from, item * n * pd, ws.outPatchesAll, (item * ws.tokens + shard.tokenStart(r)) * pd, n * pd);
            }
        }
    }

    /** [B][C][H][W] to [B*T][(py, px, c)], tokens in row-major grid order; only this rank's tokens. */
    private void patchify(Workspace ws, float[] latents) {
        int first = ws.shard.firstToken();
        int n = ws.localTokens;
        forEachPatchValue(ws, (latentIndex, patchIndex) -> {
            int token = patchIndex / w.patchDim;
            int item = token / ws.tokens;
            int inItem = token % ws.tokens - first;
            if (inItem >= 0 && inItem < n) {
                ws.patches[(item * n + inItem) * w.patchDim + patchIndex % w.patchDim] = latents[latentIndex];
            }
        });
    }

    private void unpatchify(Workspace ws, float[] out) {
        forEachPatchValue(ws, (latentIndex, patchIndex) -> out[latentIndex] = ws.outPatchesAll[patchIndex]);
    }

    private interface IndexPair {
        void accept(int latentIndex, int patchIndex);
    }

    private void forEachPatchValue(Workspace ws, IndexPair f) {
        int p = w.patch;
        int ch = w.channels;
        int h = ws.latentH;
        int wd = ws.latentW;
        int gridW = wd / p;
        for (int b = 0; b < ws.batch; b++) {
            for (int c = 0; c < ch; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < wd; x++) {
                        int token = b * ws.tokens + (y / p) * gridW + x / p;
                        int inPatch = ((y % p) * p + x % p) * ch + c;
                        f.accept(((b * ch + c) * h + y) * wd + x, token * w.patchDim + inPatch);
                    }
                }
            }
        }
    }

    /** Per prompt, the mean of its first lengths[p] text states: [prompts][width]. */
    static float[] meanOfValid(TextEncoder.Encoded text) {
        int wd = text.width();
        float[] out = new float[text.prompts() * wd];
        for (int p = 0; p < text.prompts(); p++) {
            int n = Math.max(1, text.lengths()[p]);
            for (int t = 0; t < text.lengths()[p]; t++) {
                addAt(out, p * wd, text.states(), (p * text.maxTokens() + t) * wd, wd);
            }
            for (int j = 0; j < wd; j++) {
                out[p * wd + j] /= n;
            }
        }
        return out;
    }

    /** x[xOff + i] += y[yOff + i] for i < n. */
    private static void addAt(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] += y[yOff + i];
        }
    }
}
