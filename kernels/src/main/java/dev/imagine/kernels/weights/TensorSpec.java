package dev.imagine.kernels.weights;

import java.util.Arrays;

/**
 * One tensor of a model: the file (component) it lives in, its checkpoint name, its shape as PyTorch
 * stores it (Linear weights [out][in], Conv2d [cout][cin][kh][kw]), and how to generate it untrained.
 */
public record TensorSpec(String component, String name, long[] shape, Init init) {

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long fanIn() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return Math.max(1, n);
    }

    @Override
    public String toString() {
        return component + ":" + name + Arrays.toString(shape);
    }
}
