package dev.imagine.kernels.parallel;

/**
 * How k ranks split one forward: rank r owns tokens [tokenStart(r), tokenStart(r + 1)) of every batch item (the
 * remainder spread over the first ranks, so any token count works) and, inside self-attention, heads
 * [r·H/k, (r + 1)·H/k) over the whole sequence (Ulysses: H must be a multiple of k).
 */
public record SequenceShard(int rank, int size, int tokens, int heads) {

    public SequenceShard {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " of " + size);
        }
        if (heads % size != 0) {
            throw new IllegalArgumentException(size + " ranks cannot split " + heads + " attention heads evenly"
                    + " (Ulysses gives each rank whole heads); use a k that divides " + heads);
        }
        if (tokens < size) {
            throw new IllegalArgumentException(size + " ranks for only " + tokens + " tokens");
        }
    }

    public static SequenceShard single(int tokens, int heads) {
        return new SequenceShard(0, 1, tokens, heads);
    }

    public int tokenStart(int r) {
        return r * (tokens / size) + Math.min(r, tokens % size);
    }

    public int tokensOf(int r) {
        return tokenStart(r + 1) - tokenStart(r);
    }

    public int localTokens() {
        return tokensOf(rank);
    }

    public int firstToken() {
        return tokenStart(rank);
    }

    public int headsPerRank() {
        return heads / size;
    }
}
