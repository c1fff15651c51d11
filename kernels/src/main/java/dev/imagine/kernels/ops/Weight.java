package dev.imagine.kernels.ops;

/**
 * A weight matrix [rows = in][cols = out] as one backend prepared it (packed into panels, uploaded to a
 * device). Immutable and shareable between threads; only the backend that made it can use it.
 */
public interface Weight {
    int rows();

    int cols();

    /** The matrix as given to {@link TensorOps#prepare}, row-major [rows][cols], for reference paths (may be a copy). */
    float[] original();
}
