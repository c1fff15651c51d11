package dev.imagine.kernels.weights;

/** Where a model's tensors come from: safetensors files, or the seeded generator (benchmarks, the weights tool). */
public interface WeightSource extends AutoCloseable {
    /** The tensor in its PyTorch layout, checked against the spec's shape. */
    float[] tensor(TensorSpec spec);

    @Override
    default void close() {
    }
}
