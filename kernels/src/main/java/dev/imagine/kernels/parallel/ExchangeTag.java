package dev.imagine.kernels.parallel;

/**
 * Where in a run an exchange happens: the network call (a step, counted by the caller), the block and the
 * phase. Both sides derive it from the loop they are in, so a message that arrives with another tag is a gang
 * out of step, never data to use.
 */
public record ExchangeTag(int call, int layer, Phase phase) {

    public enum Phase {
        /** q, k and v of my tokens for the peer's heads. */
        QKV,
        /** attention output of my heads for the peer's tokens. */
        ATTENTION_OUT,
        /** the final layer's patches of my tokens, to every rank. */
        GATHER
    }

    @Override
    public String toString() {
        return "call " + call + " layer " + layer + " " + phase;
    }
}
