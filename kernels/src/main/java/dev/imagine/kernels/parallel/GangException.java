package dev.imagine.kernels.parallel;

/** The gang cannot go on: a peer was lost, timed out, or sent a message of another attempt or step. */
public final class GangException extends RuntimeException {
    public GangException(String message) {
        super(message);
    }

    public GangException(String message, Throwable cause) {
        super(message, cause);
    }
}
