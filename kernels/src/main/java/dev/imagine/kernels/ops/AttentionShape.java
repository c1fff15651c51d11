package dev.imagine.kernels.ops;

/**
 * Addressing of one attention call. For item b, head h, query i and key j:
 * <pre>
 * q[(b * qTokens + i) * qStride + qOffset + h * headDim + d]
 * k[(b * kvTokens + j) * kStride + kOffset + h * headDim + d]
 * v[(b * kvTokens + j) * vStride + vOffset + h * headDim + d]
 * out[(b * qTokens + i) * heads * headDim + h * headDim + d]
 * </pre>
 * Keys j ≥ kvLengths[b] are masked out (padding of shorter prompts); kvLengths null means all keys count.
 * Self-attention over a packed qkv buffer and cross-attention to text tokens are both just shapes.
 */
public record AttentionShape(
        int batch, int heads, int headDim, int qTokens, int kvTokens,
        int qStride, int qOffset, int kStride, int kOffset, int vStride, int vOffset,
        int[] kvLengths) {

    public AttentionShape {
        if (kvLengths != null && kvLengths.length < batch) {
            throw new IllegalArgumentException("kvLengths has " + kvLengths.length + " entries for batch " + batch);
        }
    }

    /** Self-attention over qkv [batch * tokens][3 * heads * headDim] laid out q | k | v. */
    public static AttentionShape selfAttention(int batch, int tokens, int heads, int headDim) {
        int hidden = heads * headDim;
        return new AttentionShape(batch, heads, headDim, tokens, tokens, 3 * hidden, 0, 3 * hidden, hidden,
                3 * hidden, 2 * hidden, null);
    }

    /**
     * Cross-attention: queries q [batch * qTokens][hidden], keys and values kv [batch * kvTokens][2 * hidden]
     * laid out k | v, with per-item valid key counts.
     */
    public static AttentionShape crossAttention(int batch, int qTokens, int kvTokens, int heads, int headDim,
            int[] kvLengths) {
        int hidden = heads * headDim;
        return new AttentionShape(batch, heads, headDim, qTokens, kvTokens, hidden, 0, 2 * hidden, 0, 2 * hidden,
                hidden, kvLengths);
    }

    public int hidden() {
        return heads * headDim;
    }

    public int validKeys(int b) {
        return kvLengths == null ? kvTokens : kvLengths[b];
    }

    /** Multiply-adds counted as 2 FLOPs: q·kᵀ and p·v. */
    public long flops() {
        long keys = 0;
        for (int b = 0; b < batch; b++) {
            keys += validKeys(b);
        }
        return 4L * heads * headDim * qTokens * keys;
    }
}
