package dev.imagine.kernels.weights;

/** A checkpoint that cannot be used as it is; the message names the file or tensor and what was expected. */
public final class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
