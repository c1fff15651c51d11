package dev.imagine.kernels.gpu;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/** One work-item per element: residual add, gated residual add (adaLN-Zero), GELU (tanh form), SiLU. */
final class ElementwiseKernel extends OpenClKernel {
    static final int GROUP = 256;
    static final int ADD = 0;
    static final int GATED_ADD = 1;
    static final int GELU = 2;
    static final int SILU = 3;
    /** sqrt(2 / pi), rounded as the reference rounds it. */
    static final float GELU_C = (float) 0.7978845608028654;

    float[] x = new float[1];
    float[] y = new float[1];
    float[] out = new float[1];
    float[] mod = new float[1];
    int op;
    int n;
    int yIsX;
    int outIsX;
    int cols;
    int rowsPerItem;
    int modStride;
    int gateOffset;

    ElementwiseKernel(OpenCLDevice device) {
        super(device);
    }

    Range range() {
        return range1D(n, GROUP);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < n) {
            float v = x[i];
            if (op == ADD) {
                x[i] = v + other(i);
            } else if (op == GATED_ADD) {
                int row = i / cols;
                int gate = (row / rowsPerItem) * modStride + gateOffset + (i - row * cols);
                x[i] = v + mod[gate] * other(i);
            } else if (op == GELU) {
                // tanh(u) = 1 - 2 / (exp(2u) + 1): OpenCL C has tanh, Aparapi does not map it.
                float u = GELU_C * (v + 0.044715f * v * v * v);
                float t = 1f - 2f / (exp(2f * u) + 1f);
                x[i] = 0.5f * v * (1f + t);
            } else {
                float s = v / (1f + exp(-v));
                if (outIsX == 1) {
                    x[i] = s;
                } else {
                    out[i] = s;
                }
            }
        }
    }

    private float other(int i) {
        float v = 0f;
        if (yIsX == 1) {
            v = x[i];
        } else {
            v = y[i];
        }
        return v;
    }
}
