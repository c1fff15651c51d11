package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.Init;
import dev.imagine.kernels.weights.WeightSource;

/**
 * A pixel-space model's trained x4 upscaler (training/imagine_train/upscaler.py): the grid shows each 32x32 image
 * at 128x128. conv3x3 3→32, SiLU, two conv3x3 32→32 with SiLU, conv3x3 32→48, pixel shuffle x4, plus the input
 * enlarged 4x4 (nearest): trained on low/high-resolution renders of the same scenes, it draws the edges a plain
 * enlargement would leave blocky or blurred.
 */
final class PixelUpscaler {
    static final String COMPONENT = "upscaler";
    static final int SCALE = 4;
    static final int WIDTH = 32;

    private final TensorOps ops;
    private final float[][][] convs;

    PixelUpscaler(WeightSource source, TensorOps ops) {
        this.ops = ops;
        Layers layers = new Layers(source, ops, COMPONENT);
        Init none = Init.ZERO;
        convs = new float[][][] {
            layers.conv3x3("conv_in", 3, WIDTH, none, none),
            layers.conv3x3("conv_1", WIDTH, WIDTH, none, none),
            layers.conv3x3("conv_2", WIDTH, WIDTH, none, none),
            layers.conv3x3("conv_out", WIDTH, 3 * SCALE * SCALE, none, none)};
    }

    /** Pixel-space values [3][h][w] at offset (in [-1, 1]) to the enlarged image [3][4h][4w], same scale. */
    float[] upscale(float[] x, int offset, int h, int w) {
        int plane = h * w;
        float[] in = java.util.Arrays.copyOfRange(x, offset, offset + 3 * plane);
        float[] a = new float[WIDTH * plane];
        float[] b = new float[WIDTH * plane];
        ops.conv3x3(in, 3, h, w, convs[0][0], convs[0][1], WIDTH, a);
        ops.silu(a, a, WIDTH * plane);
        ops.conv3x3(a, WIDTH, h, w, convs[1][0], convs[1][1], WIDTH, b);
        ops.silu(b, b, WIDTH * plane);
        ops.conv3x3(b, WIDTH, h, w, convs[2][0], convs[2][1], WIDTH, a);
        ops.silu(a, a, WIDTH * plane);
        int r = SCALE;
        float[] sub = new float[3 * r * r * plane];
        ops.conv3x3(a, WIDTH, h, w, convs[3][0], convs[3][1], 3 * r * r, sub);
        int oh = h * r;
        int ow = w * r;
        float[] out = new float[3 * oh * ow];
        // pixel shuffle: out[c][y*r + i][x*r + j] = sub[c*r*r + i*r + j][y][x], plus the nearest enlargement
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    float base = in[c * plane + y * w + xx];
                    for (int i = 0; i < r; i++) {
                        for (int j = 0; j < r; j++) {
                            out[(c * oh + y * r + i) * ow + xx * r + j] = sub[((c * r + i) * r + j) * plane + y * w + xx] + base;
                        }
                    }
                }
            }
        }
        return out;
    }
}
