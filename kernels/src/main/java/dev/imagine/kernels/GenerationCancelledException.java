package dev.imagine.kernels;

/** Thrown by {@link DiffusionModel#generate} when its {@link CancellationToken} was cancelled. */
public final class GenerationCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GenerationCancelledException() {
        super("generation cancelled");
    }
}
