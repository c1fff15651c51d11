package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.ops.Weight;

/** A dense layer: weight [in][out] as its backend prepared it (see {@link TensorOps}), bias [out]. */
record Linear(Weight weight, float[] bias, int in, int out) {

    /** out[rows][this.out] = x[rows][in] * weight + bias. */
    void apply(TensorOps ops, float[] x, int rows, float[] result) {
        ops.matmul(x, rows, weight, bias, result);
    }

    long parameterCount() {
        return (long) in * out + bias.length;
    }
}
