package dev.imagine.participant.faults;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.ExecutionMode;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.ops.Weight;

/** A slot's real kernels, with {@link KernelFaults} consulted before each matrix product. */
public final class FaultInjectingOps implements TensorOps {
    private final TensorOps real;
    private final KernelFaults faults;

    public FaultInjectingOps(TensorOps real, KernelFaults faults) {
        this.real = real;
        this.faults = faults;
    }

    @Override
    public String backend() {
        return real.backend();
    }

    @Override
    public ExecutionMode executionMode() {
        return real.executionMode();
    }

    @Override
    public Weight prepare(float[] w, int k, int n) {
        return real.prepare(w, k, n);
    }

    @Override
    public void matmul(float[] a, int m, Weight w, float[] bias, float[] out) {
        faults.beforeKernel();
        real.matmul(a, m, w, bias, out);
    }

    @Override
    public void layerNorm(float[] x, int rows, int cols, float eps, float[] gamma, float[] beta, float[] out) {
        real.layerNorm(x, rows, cols, eps, gamma, beta, out);
    }

    @Override
    public void layerNormModulate(float[] x, int batch, int rowsPerItem, int cols, float eps, float[] mod,
                                  int modStride, int shiftOffset, int scaleOffset, float[] out) {
        real.layerNormModulate(x, batch, rowsPerItem, cols, eps, mod, modStride, shiftOffset, scaleOffset, out);
    }

    @Override
    public void gatedAdd(float[] x, float[] y, int batch, int rowsPerItem, int cols, float[] mod, int modStride,
                         int gateOffset) {
        real.gatedAdd(x, y, batch, rowsPerItem, cols, mod, modStride, gateOffset);
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        real.add(x, y, n);
    }

    @Override
    public void geluTanh(float[] x, int n) {
        real.geluTanh(x, n);
    }

    @Override
    public void silu(float[] x, float[] out, int n) {
        real.silu(x, out, n);
    }

    @Override
    public void attention(AttentionShape shape, float[] q, float[] k, float[] v, float[] out) {
        real.attention(shape, q, k, v, out);
    }

    @Override
    public void conv3x3(float[] in, int cin, int h, int w, float[] weight, float[] bias, int cout, float[] out) {
        real.conv3x3(in, cin, h, w, weight, bias, cout, out);
    }

    @Override
    public void upsampleBilinear2x(float[] in, int channels, int h, int w, float[] out) {
        real.upsampleBilinear2x(in, channels, h, w, out);
    }

    @Override
    public void close() {
        real.close();
    }
}
