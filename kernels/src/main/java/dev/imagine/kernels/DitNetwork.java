package dev.imagine.kernels;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.parallel.ExchangePipeline;
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
    /** Parts a gang rank splits its batch into when it pipelines: two, one part's exchange under the other's compute. */
    static final int GANG_PARTS = 2;
    /**
     * A rank pipelines when its share of the activations (its rows times the width) is at least this many values.
     * On two CPU cores, where the transport's threads take cycles from the compute threads, `bench sp` measured
     * the pipeline 0.83-0.96x at DiT-XL's 256 tokens (1.2 M values a rank at k = 2) and 0.93-1.13x, median 1.02, at
     * 1,024 (4.7 M); smaller steps pay twice the per-exchange framing for little to hide. Where transfers do not take
     * a compute core, the overlap is worth more.
     */
    static final long PIPELINE_MIN_VALUES = 1L << 22;

    private final DitWeights w;
    private final TensorOps ops;
    private final int hidden;

    DitNetwork(DitWeights weights, TensorOps ops) {
        this.w = weights;
        this.ops = ops;
        this.hidden = weights.hidden;
    }

    /**
     * Buffers for one generate call: B items on an H x W latent with L text tokens each, in parts of the batch. Alone
     * the batch is one part. A rank of a large enough gang step runs it in {@value #GANG_PARTS} parts, block by block
     * and phase by phase (see {@link #forward}), so that one part's all-to-all travels while the other part computes.
     */
    final class Workspace {
        final Part[] parts;
        /** Null when alone. */
        final ExchangePipeline pipeline;
        int calls;

        Workspace(Part[] parts, ExchangePipeline pipeline) {
            this.parts = parts;
            this.pipeline = pipeline;
        }

        /** The share of the exchanges' time the compute thread did not wait for (0 alone). */
        double overlapFraction() {
            return pipeline == null ? 0 : pipeline.overlapFraction();
        }
    }

    /** Items [firstItem, firstItem + batch) of a call: every buffer a forward needs for them. */
    final class Part {
        final int index;
        final int firstItem;
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
        /** Exchanges still travelling for this part: started in one phase, awaited in the next. */
        java.util.concurrent.Future<?> qkvInFlight;
        java.util.concurrent.Future<?> outInFlight;

        Part(int index, int firstItem, int batch, int latentH, int latentW, int textTokens, int[] textLengths,
                SequenceExchange gang) {
            this.index = index;
            this.firstItem = firstItem;
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
        long tokens = (long) (latentH / w.patch) * (latentW / w.patch);
        int ranks = gang == null ? 1 : gang.size();
        return workspace(latentH, latentW, text, gang, gangParts(tokens, text.prompts(), hidden, ranks));
    }

    /** {@link #GANG_PARTS} for a gang rank whose share of the activations reaches {@link #PIPELINE_MIN_VALUES}, else 1. */
    static int gangParts(long tokens, int batch, int hidden, int ranks) {
        if (ranks < 2) {
            return 1;
        }
        long values = batch * (tokens / ranks) * hidden;
        return values >= PIPELINE_MIN_VALUES ? GANG_PARTS : 1;
    }

    /** As above, a gang rank's batch in {@code gangParts} parts (1: each exchange awaited as soon as started). */
    Workspace workspace(int latentH, int latentW, TextEncoder.Encoded text, SequenceExchange gang, int gangParts) {
        if (gangParts < 1) {
            throw new IllegalArgumentException("a gang rank runs its batch in at least 1 part, got " + gangParts);
        }
        if (latentH % w.patch != 0 || latentW % w.patch != 0) {
            throw new IllegalArgumentException("latent " + latentW + "x" + latentH + " not divisible by the patch size");
        }
        boolean ganged = gang != null && gang.size() > 1;
        int count = ganged ? Math.min(gangParts, text.prompts()) : 1;
        Part[] parts = new Part[count];
        for (int i = 0, first = 0; i < count; i++) {
            int items = text.prompts() / count + (i < text.prompts() % count ? 1 : 0);
            parts[i] = part(i, first, latentH, latentW, slice(text, first, items), gang);
            first += items;
        }
        return new Workspace(parts, ganged ? new ExchangePipeline(gang) : null);
    }

    /** A part whose cross-attention keys and values (and pooled text) are computed from its items' states now. */
    private Part part(int index, int firstItem, int latentH, int latentW, TextEncoder.Encoded text, SequenceExchange gang) {
        Part ws = new Part(index, firstItem, text.prompts(), latentH, latentW, text.maxTokens(), text.lengths(), gang);
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

    /** Items [first, first + n) of encoded text. */
    private static TextEncoder.Encoded slice(TextEncoder.Encoded text, int first, int n) {
        if (first == 0 && n == text.prompts()) {
            return text;
        }
        int per = text.maxTokens() * text.width();
        return new TextEncoder.Encoded(java.util.Arrays.copyOfRange(text.states(), first * per, (first + n) * per), n,
                text.maxTokens(), text.width(), java.util.Arrays.copyOfRange(text.lengths(), first, first + n));
    }

    /**
     * One network evaluation.
     *
     * @param latents   [B][4][H][W]
     * @param modelTime timestep on the 0..1000 scale, shared by the batch
     * @param out       [B][4][H][W]: predicted epsilon or velocity, depending on the sampler
     */
    void forward(Workspace ws, float[] latents, double modelTime, float[] out) {
        int call = ws.calls++;
        for (Part p : ws.parts) {
            embed(p, latents, modelTime);
        }
        // Phase by phase over the parts: part 0's q|k|v travel while part 1 projects its own; part 1's while part 0
        // attends; part 0's attention output while part 1 attends; part 1's while part 0 runs cross-attention and
        // the MLP. Each item's maths is the same whichever part it is in, so the bits are too.
        for (int i = 0; i < w.blocks.length; i++) {
            for (Part p : ws.parts) {
                toQkv(ws, p, call, i);
            }
            for (Part p : ws.parts) {
                selfAttention(ws, p, call, i);
            }
            for (Part p : ws.parts) {
                afterAttention(ws, p, i);
            }
        }
        for (Part p : ws.parts) {
            finalLayer(ws, p, call, out);
        }
    }

    /** Patches, their embedding and position; the timestep (and pooled text) conditioning c. */
    private void embed(Part ws, float[] latents, double modelTime) {
        int b = ws.batch;
        int t = ws.localTokens;
        int d = hidden;
        patchify(ws, latents);
        w.patchEmbed.apply(ops, ws.patches, b * t, ws.x);
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
    }

    /** mod per item (shift_msa | scale_msa | gate_msa | shift_mlp | scale_mlp | gate_mlp), LN, q|k|v; sent off. */
    private void toQkv(Workspace all, Part ws, int call, int layer) {
        DitWeights.Block block = w.blocks[layer];
        int d = hidden;
        block.adaLN().apply(ops, ws.siluC, ws.batch, ws.mod);
        ops.layerNormModulate(ws.x, ws.batch, ws.localTokens, d, LN_EPS, ws.mod, 6 * d, 0, d, ws.norm);
        block.qkv().apply(ops, ws.norm, ws.batch * ws.localTokens, ws.qkv);
        if (ws.gang != null) {
            sendQkv(all.pipeline, ws, call, layer);
        }
    }

    private void afterAttention(Workspace all, Part ws, int layer) {
        DitWeights.Block block = w.blocks[layer];
        int b = ws.batch;
        int t = ws.localTokens;
        int d = hidden;
        int rows = b * t;
        int ms = 6 * d;
        if (ws.gang != null) {
            receiveAttention(all.pipeline, ws);
        }
        block.proj().apply(ops, ws.attn, rows, ws.branch);
        ops.gatedAdd(ws.x, ws.branch, b, t, d, ws.mod, ms, 2 * d);

        block.crossQ().apply(ops, ws.x, rows, ws.crossQ);
        ops.attention(ws.crossAttention, ws.crossQ, ws.crossKv[layer], ws.crossKv[layer], ws.attn);
        block.crossProj().apply(ops, ws.attn, rows, ws.branch);
        ops.add(ws.x, ws.branch, rows * d);

        ops.layerNormModulate(ws.x, b, t, d, LN_EPS, ws.mod, ms, 3 * d, 4 * d, ws.norm);
        block.fc1().apply(ops, ws.norm, rows, ws.mlp);
        ops.geluTanh(ws.mlp, rows * d * w.config.mlpRatio());
        block.fc2().apply(ops, ws.mlp, rows, ws.branch);
        ops.gatedAdd(ws.x, ws.branch, b, t, d, ws.mod, ms, 5 * d);
    }

    /** Shift | scale from c, modulated layer norm, linear to patch values; gathered to all ranks; unpatchified. */
    private void finalLayer(Workspace all, Part ws, int call, float[] out) {
        int b = ws.batch;
        int t = ws.localTokens;
        int d = hidden;
        w.finalAdaLN.apply(ops, ws.siluC, b, ws.mod);
        ops.layerNormModulate(ws.x, b, t, d, LN_EPS, ws.mod, 2 * d, 0, d, ws.norm);
        w.finalLinear.apply(ops, ws.norm, b * t, ws.outPatches);
        if (ws.gang != null) {
            gatherPatches(all.pipeline, ws, call);
        }
        unpatchify(ws, out);
    }

    /** My tokens, rank r's heads: q | k | v blocks of width `mine` per row, to every rank. */
    private void sendQkv(ExchangePipeline pipeline, Part ws, int call, int layer) {
        SequenceShard shard = ws.shard;
        int me = shard.rank();
        int mine = shard.headsPerRank() * (hidden / shard.heads());
        for (int r = 0; r < shard.size(); r++) {
            float[] send = r == me ? ws.qkvReceive[me] : ws.qkvSend[r];
            for (int row = 0; row < ws.batch * ws.localTokens; row++) {
                for (int part = 0; part < 3; part++) {
                    System.arraycopy(ws.qkv, row * 3 * hidden + part * hidden + r * mine, send, (row * 3 + part) * mine, mine);
                }
            }
        }
        ws.qkvInFlight = pipeline.start(new ExchangeTag(call, layer, ExchangeTag.Phase.QKV, ws.index),
                ws.qkvSend, ws.qkvReceive);
    }

    private void selfAttention(Workspace all, Part ws, int call, int layer) {
        if (ws.gang == null) {
            ops.attention(ws.selfAttention, ws.qkv, ws.qkv, ws.qkv, ws.attn);
            return;
        }
        SequenceShard shard = ws.shard;
        int me = shard.rank();
        int k = shard.size();
        int mine = shard.headsPerRank() * (hidden / shard.heads());
        int b = ws.batch;
        all.pipeline.await(ws.qkvInFlight);
        ws.qkvInFlight = null;
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
        ws.outInFlight = all.pipeline.start(new ExchangeTag(call, layer, ExchangeTag.Phase.ATTENTION_OUT, ws.index),
                ws.outSend, ws.outReceive);
    }

    private void receiveAttention(ExchangePipeline pipeline, Part ws) {
        SequenceShard shard = ws.shard;
        int mine = shard.headsPerRank() * (hidden / shard.heads());
        pipeline.await(ws.outInFlight);
        ws.outInFlight = null;
        for (int r = 0; r < shard.size(); r++) {
            for (int row = 0; row < ws.batch * ws.localTokens; row++) {
                System.arraycopy(ws.outReceive[r], row * mine, ws.attn, row * hidden + r * mine, mine);
            }
        }
    }

    /** Every rank's final patches to every rank, in token order, so all hold the whole prediction. */
    private void gatherPatches(ExchangePipeline pipeline, Part ws, int call) {
        SequenceShard shard = ws.shard;
        pipeline.exchange(new ExchangeTag(call, -1, ExchangeTag.Phase.GATHER, ws.index), ws.gatherSend, ws.gatherReceive);
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
    private void patchify(Part ws, float[] latents) {
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

    private void unpatchify(Part ws, float[] out) {
        forEachPatchValue(ws, (latentIndex, patchIndex) -> out[latentIndex] = ws.outPatchesAll[patchIndex]);
    }

    private interface IndexPair {
        void accept(int latentIndex, int patchIndex);
    }

    private void forEachPatchValue(Part ws, IndexPair f) {
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
                        f.accept((((ws.firstItem + b) * ch + c) * h + y) * wd + x, token * w.patchDim + inPatch);
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
