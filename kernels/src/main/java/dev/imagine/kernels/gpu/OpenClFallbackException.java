package dev.imagine.kernels.gpu;

/** Aparapi did not run a kernel on the OpenCL device it was given (it fell back to Java, or failed). */
public final class OpenClFallbackException extends IllegalStateException {
    public OpenClFallbackException(String message) {
        super(message);
    }

    public OpenClFallbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
