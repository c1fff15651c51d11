package dev.imagine.kernels;

/** A dense layer: weight [in][out] row-major (see {@link TensorOps}), bias [out]. */
record Linear(float[] weight, float[] bias, int in, int out) {

    /** out[rows][this.out] = x[rows][in] * weight + bias. */
    void apply(TensorOps ops, float[] x, int rows, float[] result) {
        ops.matmul(x, rows, in, weight, bias, out, result);
    }

    long parameterCount() {
        return (long) weight.length + bias.length;
    }
}
