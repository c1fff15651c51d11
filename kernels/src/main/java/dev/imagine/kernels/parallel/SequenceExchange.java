package dev.imagine.kernels.parallel;

/**
 * One rank's end of a sequence-parallel gang: k ranks, each holding the full weights and 1/k of the image
 * tokens, meeting at every self-attention (Ulysses all-to-all over heads) and once per step to gather the
 * network's output. Every rank calls {@link #exchange} with the same tags in the same order.
 */
public interface SequenceExchange {

    int rank();

    int size();

    /**
     * Sends {@code send[r]} to every other rank r and fills {@code receive[r]} with what rank r sent here
     * (its length is the sender's: both sides know the shapes). {@code send[rank()]} and
     * {@code receive[rank()]} are not touched. Returns once every peer's message for this tag has arrived.
     *
     * @throws GangException when a peer is lost, stops answering within the gang's timeout, or sends out of step
     */
    void exchange(ExchangeTag tag, float[][] send, float[][] receive);

    /** What the transport moved for this rank so far: bytes sent (payload and framing) and seconds spent waiting. */
    default TransferStats stats() {
        return TransferStats.NONE;
    }

    /** Bytes this rank has sent and the time its exchange calls spent blocked. */
    record TransferStats(long bytesSent, long payloadBytesSent, long waitNanos, long exchanges) {
        public static final TransferStats NONE = new TransferStats(0, 0, 0, 0);
    }
}
