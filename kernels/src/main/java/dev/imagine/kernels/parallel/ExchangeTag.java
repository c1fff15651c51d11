package dev.imagine.kernels.parallel;

/**
 * Where in a run an exchange happens: the network call (a step, counted by the caller), the block, the phase and
 * the part of the batch (a gang's forward runs its items in parts so that one part's exchange overlaps another's
 * compute). Both sides derive it from the loop they are in, so a message that arrives with another tag is a gang
 * out of step, never data to use.
 */
public record ExchangeTag(int call, int layer, Phase phase, int part) {

    public ExchangeTag(int call, int layer, Phase phase) {
        this(call, layer, phase, 0);
    }

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
        return "call " + call + " layer " + layer + " " + phase + " part " + part;
    }
}
