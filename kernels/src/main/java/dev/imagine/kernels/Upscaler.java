package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.Init;
import dev.imagine.kernels.weights.WeightSource;

/**
 * The 2x super-resolution network behind U1–U4: a residual convolutional net (ESRGAN-style names
 * {@code conv_first}, {@code body.N.conv}, {@code conv_last}) on top of a bilinear 2x upsample, much lighter
 * than the DiT. Untrained, its last layer starts small, so the output is the bilinear image plus a little
 * learned-looking detail.
 */
public final class Upscaler {
    static final String COMPONENT = "upscaler";
    static final int CHANNELS = 16;
    static final int BODY = 2;

    private final TensorOps ops;
    private final float[][] first;
    private final float[][][] body;
    private final float[][] last;

    Upscaler(WeightSource source, TensorOps ops) {
        this.ops = ops;
        Layers layers = new Layers(source, ops, COMPONENT);
        first = layers.conv3x3("conv_first", 3, CHANNELS, new Init.Normal(1.0), Init.ZERO);
        body = new float[BODY][][];
        for (int i = 0; i < BODY; i++) {
            body[i] = layers.conv3x3("body." + i + ".conv", CHANNELS, CHANNELS, new Init.Normal(1.0), Init.ZERO);
        }
        last = layers.conv3x3("conv_last", CHANNELS, 3, new Init.Normal(0.05), Init.ZERO);
    }

    /** Packed 0xRRGGBB pixels [h][w] to [2h][2w]. */
    public int[] upscale(int[] rgb, int width, int height) {
        int plane = width * height;
        float[] image = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            image[i] = ((rgb[i] >> 16) & 0xff) / 255f;
            image[plane + i] = ((rgb[i] >> 8) & 0xff) / 255f;
            image[2 * plane + i] = (rgb[i] & 0xff) / 255f;
        }
        int w2 = 2 * width;
        int h2 = 2 * height;
        int plane2 = w2 * h2;
        float[] up = new float[3 * plane2];
        ops.upsampleBilinear2x(image, 3, height, width, up);
        float[] a = new float[CHANNELS * plane2];
        float[] b = new float[CHANNELS * plane2];
        ops.conv3x3(up, 3, h2, w2, first[0], first[1], CHANNELS, a);
        ops.silu(a, a, CHANNELS * plane2);
        for (float[][] conv : body) {
            ops.conv3x3(a, CHANNELS, h2, w2, conv[0], conv[1], CHANNELS, b);
            ops.silu(b, b, CHANNELS * plane2);
            float[] swap = a;
            a = b;
            b = swap;
        }
        float[] residual = new float[3 * plane2];
        ops.conv3x3(a, CHANNELS, h2, w2, last[0], last[1], 3, residual);
        ops.add(residual, up, 3 * plane2);
        int[] out = new int[plane2];
        for (int i = 0; i < plane2; i++) {
            out[i] = (toByte(residual[i]) << 16) | (toByte(residual[plane2 + i]) << 8) | toByte(residual[2 * plane2 + i]);
        }
        return out;
    }

    /** One PNG (a grid cell) to a PNG twice its size. */
    public byte[] upscalePng(byte[] png) {
        java.awt.image.BufferedImage in = GridImage.read(png);
        int w = in.getWidth();
        int h = in.getHeight();
        int[] rgb = in.getRGB(0, 0, w, h, null, 0, w);
        return GridImage.png(upscale(rgb, w, h), 2 * w, 2 * h);
    }

    private static int toByte(float v) {
        return Math.round(Math.clamp(v, 0f, 1f) * 255f);
    }
}
