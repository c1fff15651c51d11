package dev.imagine.kernels.gpu;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/**
 * Row-wise layer norm, optionally with an affine (gamma, beta) or an adaLN modulation
 * (out = LN(x) * (1 + scale) + shift, shift and scale addressed per batch item).
 *
 * <p>One work-group of {@link #GROUP} work-items per row: each sums a strided share of the row, then the
 * partial sums meet in a fixed binary tree in local memory — same order on every run, every device.
 */
final class NormKernel extends OpenClKernel {
    static final int GROUP = 64;
    static final int AFFINE = 0;
    static final int MODULATE = 1;

    float[] x = new float[1];
    float[] out = new float[1];
    float[] gamma = new float[1];
    float[] beta = new float[1];
    float[] mod = new float[1];
    int mode;
    int outIsX;
    int hasGamma;
    int hasBeta;
    int cols;
    int rowsPerItem;
    int modStride;
    int shiftOffset;
    int scaleOffset;
    float eps;

    @Local final float[] partial = new float[GROUP];

    NormKernel(OpenCLDevice device) {
        super(device);
    }

    Range range(int rows) {
        return range1D(rows * GROUP, GROUP);
    }

    @Override
    public void run() {
        int row = getGroupId();
        int lid = getLocalId();
        int o = row * cols;
        float s = 0f;
        for (int j = lid; j < cols; j += GROUP) {
            s += x[o + j];
        }
        float mean = reduce(s) / cols;
        float sq = 0f;
        for (int j = lid; j < cols; j += GROUP) {
            float d = x[o + j] - mean;
            sq += d * d;
        }
        float inv = 1f / sqrt(reduce(sq) / cols + eps);
        int item = row / rowsPerItem;
        int shift = item * modStride + shiftOffset;
        int scale = item * modStride + scaleOffset;
        for (int j = lid; j < cols; j += GROUP) {
            float y = (x[o + j] - mean) * inv;
            if (mode == MODULATE) {
                y = y * (1f + mod[scale + j]) + mod[shift + j];
            } else {
                if (hasGamma == 1) {
                    y *= gamma[j];
                }
                if (hasBeta == 1) {
                    y += beta[j];
                }
            }
            if (outIsX == 1) {
                x[o + j] = y;
            } else {
                out[o + j] = y;
            }
        }
    }

    /** Sum of every work-item's value, by a fixed tree; all work-items get it. */
    private float reduce(float value) {
        int lid = getLocalId();
        partial[lid] = value;
        localBarrier();
        for (int stride = GROUP / 2; stride > 0; stride = stride / 2) {
            if (lid < stride) {
                partial[lid] = partial[lid] + partial[lid + stride];
            }
            localBarrier();
        }
        float total = partial[0];
        localBarrier();
        return total;
    }
}
