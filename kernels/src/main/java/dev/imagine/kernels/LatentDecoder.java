package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.Init;
import dev.imagine.kernels.weights.WeightSource;

/**
 * A small convolutional stand-in for a VAE decoder: latent [4][h][w] to RGB [8h][8w].
 *
 * <pre>
 * conv3x3 4->c0, per-channel norm, SiLU
 * 3 x (bilinear 2x upsample, conv3x3 c_i->c_i+1, SiLU)
 * conv3x3 c3->3, sigmoid, x255
 * </pre>
 *
 * The norm (a GroupNorm with one channel per group, as VAE decoders have) keeps the colours in
 * range whatever scale the latents of an untrained DiT come out at. Kernels are "smooth random":
 * a random channel mix times a 3x3 binomial blur plus a little random detail, so the untrained
 * decoder paints soft colour fields rather than static.
 */
final class LatentDecoder {

    static final int SCALE = 8;
    private static final float NORM_EPS = 1e-5f;
    static final String COMPONENT = "vae";
    private static final Init KERNELS = new Init.SmoothConv(2.0, 0.1);
    private static final Init BIASES = new Init.Gaussian(0.2);

    private final TensorOps ops;
    private final int[] channels;  // c0..c3
    private final float[][] weights; // conv_in, up_blocks.0-2, conv_out
    private final float[][] biases;

    LatentDecoder(WeightSource source, ModelConfig preset, TensorOps ops) {
        this.ops = ops;
        this.channels = preset.decoderChannels();
        Layers layers = new Layers(source, ops, COMPONENT);
        int count = channels.length + 1;
        weights = new float[count][];
        biases = new float[count][];
        for (int l = 0; l < count; l++) {
            int cin = l == 0 ? DitWeights.LATENT_CHANNELS : channels[l - 1];
            int cout = l == count - 1 ? 3 : channels[l];
            String name = l == 0 ? "decoder.conv_in" : l == count - 1 ? "decoder.conv_out" : "decoder.up_blocks." + (l - 1) + ".conv";
            float[][] conv = layers.conv3x3(name, cin, cout, KERNELS, l == count - 1 ? Init.ZERO : BIASES);
            weights[l] = conv[0];
            biases[l] = conv[1];
        }
    }

    /** FLOPs of decoding one image of width x height pixels (3x3 convs; multiply-add = 2). */
    static long flops(ModelConfig preset, int width, int height) {
        int[] ch = preset.decoderChannels();
        long h = height / SCALE;
        long w = width / SCALE;
        long total = 2 * 9L * DitWeights.LATENT_CHANNELS * ch[0] * h * w;
        for (int s = 0; s + 1 < ch.length; s++) {
            h *= 2;
            w *= 2;
            total += 2 * 9L * ch[s] * ch[s + 1] * h * w;
        }
        return total + 2 * 9L * ch[ch.length - 1] * 3 * h * w;
    }

    /** Decodes latent[offset ..] of shape [4][h][w] to packed 0xRRGGBB pixels, row-major [8h][8w]. */
    int[] decode(float[] latent, int offset, int h, int w) {
        int maxPlane = h * w * SCALE * SCALE;
        int maxCh = DitWeights.LATENT_CHANNELS;
        for (int c : channels) {
            maxCh = Math.max(maxCh, c);
        }
        float[] a = new float[maxCh * maxPlane];
        float[] b = new float[maxCh * maxPlane];

        System.arraycopy(latent, offset, a, 0, DitWeights.LATENT_CHANNELS * h * w);
        ops.conv3x3(a, DitWeights.LATENT_CHANNELS, h, w, weights[0], biases[0], channels[0], b);
        // Per-channel normalisation over the plane (a GroupNorm with one channel per group): a row-wise layer norm.
        ops.layerNorm(b, channels[0], h * w, NORM_EPS, null, null, b);
        ops.silu(b, b, channels[0] * h * w);
        for (int s = 0; s < channels.length - 1; s++) {
            ops.upsampleBilinear2x(b, channels[s], h, w, a);
            h *= 2;
            w *= 2;
            ops.conv3x3(a, channels[s], h, w, weights[s + 1], biases[s + 1], channels[s + 1], b);
            ops.silu(b, b, channels[s + 1] * h * w);
        }
        int last = channels.length;
        ops.conv3x3(b, channels[last - 1], h, w, weights[last], biases[last], 3, a);

        int plane = h * w;
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = (toByte(a[i]) << 16) | (toByte(a[plane + i]) << 8) | toByte(a[2 * plane + i]);
        }
        return rgb;
    }

    private static int toByte(float logit) {
        double v = 255.0 / (1.0 + StrictMath.exp(-logit));
        return (int) Math.round(v);
    }
}
