package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.Init;
import dev.imagine.kernels.weights.TensorSpec;
import dev.imagine.kernels.weights.WeightSource;

/**
 * Reads one component's tensors by their checkpoint names and PyTorch shapes, converting layouts once at
 * load time (Linear [out][in] → our [in][out], then {@link TensorOps#prepare}). The weight classes are
 * the single place that names tensors: the generator writes exactly what they read.
 */
final class Layers {
    private final WeightSource source;
    private final TensorOps ops;
    private final String component;

    Layers(WeightSource source, TensorOps ops, String component) {
        this.source = source;
        this.ops = ops;
        this.component = component;
    }

    /** {@code prefix.weight} [out][in] and {@code prefix.bias} [out]. */
    Linear linear(String prefix, int in, int out, Init weightInit) {
        float[] torch = source.tensor(new TensorSpec(component, prefix + ".weight", new long[] {out, in}, weightInit));
        float[] bias = source.tensor(new TensorSpec(component, prefix + ".bias", new long[] {out}, Init.ZERO));
        return new Linear(ops.prepare(transpose(torch, out, in), in, out), bias, in, out);
    }

    Linear linear(String prefix, int in, int out) {
        return linear(prefix, in, out, new Init.Normal(1.0));
    }

    float[] tensor(String name, Init init, long... shape) {
        return source.tensor(new TensorSpec(component, name, shape, init));
    }

    /** A LayerNorm's {@code prefix.weight} (γ, starts at 1) and {@code prefix.bias} (β, starts at 0). */
    float[][] layerNorm(String prefix, int width) {
        return new float[][] {tensor(prefix + ".weight", Init.ONE, width), tensor(prefix + ".bias", Init.ZERO, width)};
    }

    /** A 3x3 Conv2d: weight [cout][cin][3][3] as is, bias [cout]. */
    float[][] conv3x3(String prefix, int cin, int cout, Init weightInit, Init biasInit) {
        return new float[][] {tensor(prefix + ".weight", weightInit, cout, cin, 3, 3), tensor(prefix + ".bias", biasInit, cout)};
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
