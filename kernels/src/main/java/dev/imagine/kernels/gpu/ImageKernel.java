package dev.imagine.kernels.gpu;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;

/**
 * Channel-first image ops, one work-item per output element: 3x3 convolution (stride 1, zero padding 1;
 * bias, then input channels in order, each 3x3 window row by row — the reference's order) and bilinear
 * 2x upsampling (align_corners=false).
 */
final class ImageKernel extends OpenClKernel {
    static final int GROUP = 256;
    static final int CONV3X3 = 0;
    static final int UPSAMPLE2X = 1;

    float[] in = new float[1];
    float[] weight = new float[1];
    float[] bias = new float[1];
    float[] out = new float[1];
    int op;
    int hasBias;
    int cin;
    int cout;
    int h;
    int w;
    int total;

    ImageKernel(OpenCLDevice device) {
        super(device);
    }

    Range range() {
        return range1D(total, GROUP);
    }

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < total) {
            if (op == CONV3X3) {
                conv(i);
            } else {
                upsample(i);
            }
        }
    }

    private void conv(int i) {
        int plane = h * w;
        int co = i / plane;
        int p = i - co * plane;
        int y = p / w;
        int x = p - y * w;
        float acc = 0f;
        if (hasBias == 1) {
            acc = bias[co];
        }
        for (int ci = 0; ci < cin; ci++) {
            int wBase = (co * cin + ci) * 9;
            int iBase = ci * plane;
            for (int ky = 0; ky < 3; ky++) {
                int yy = y + ky - 1;
                if (yy >= 0 && yy < h) {
                    for (int kx = 0; kx < 3; kx++) {
                        int xx = x + kx - 1;
                        if (xx >= 0 && xx < w) {
                            acc += weight[wBase + ky * 3 + kx] * in[iBase + yy * w + xx];
                        }
                    }
                }
            }
        }
        out[i] = acc;
    }

    private void upsample(int i) {
        int ow = 2 * w;
        int oPlane = 4 * h * w;
        int c = i / oPlane;
        int p = i - c * oPlane;
        int oy = p / ow;
        int ox = p - oy * ow;
        // Even outputs sit a quarter pixel before their source, odd ones a quarter after.
        int y0 = oy / 2;
        int y1 = min(y0 + 1, h - 1);
        if (oy % 2 == 0) {
            y1 = max(y0 - 1, 0);
        }
        int x0 = ox / 2;
        int x1 = min(x0 + 1, w - 1);
        if (ox % 2 == 0) {
            x1 = max(x0 - 1, 0);
        }
        int src = c * h * w;
        int r0 = src + y0 * w;
        int r1 = src + y1 * w;
        float top = 0.75f * in[r0 + x0] + 0.25f * in[r0 + x1];
        float bottom = 0.75f * in[r1 + x0] + 0.25f * in[r1 + x1];
        out[i] = 0.75f * top + 0.25f * bottom;
    }
}
