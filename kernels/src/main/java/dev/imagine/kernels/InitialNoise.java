package dev.imagine.kernels;

/**
 * The four starting latents of a grid. Image i starts from its own unit normal noise, seeded by (seed, i): at
 * --chaos 0 the four differ as much as four seeds would (before, 88% of their noise was shared, and the four came
 * out nearly alike). Chaos widens the spread of composition from there: part of each image's noise moves into a
 * coarse layout field of its own, {@code x_i = (own_i + a * layout_i) / sqrt(1 + a^2)} with
 * {@code a = MAX_LAYOUT_WEIGHT * chaosSpread}. The layout field is a 2x2 grid of unit normals per channel spread
 * bilinearly over the latent (rescaled to unit variance at every position): large bright and dark, warm and cool
 * regions the denoiser builds its composition around, placed differently in each image. At --chaos 100 it holds
 * 69% of the variance. The mix stays unit normal at every position, as the samplers expect.
 */
final class InitialNoise {

    static final int IMAGES = 4;
    /** Weight of the layout field against the per-pixel noise at --chaos 100. */
    static final double MAX_LAYOUT_WEIGHT = 1.5;

    private InitialNoise() {}

    /** Returns [4][channels][h][w] unit-variance noise. */
    static float[] fourImages(long seed, float chaosSpread, int channels, int h, int w) {
        int perImage = channels * h * w;
        double a = MAX_LAYOUT_WEIGHT * chaosSpread;
        float ownW = (float) (1.0 / StrictMath.sqrt(1.0 + a * a));
        float layoutW = (float) (a / StrictMath.sqrt(1.0 + a * a));
        float[] out = new float[IMAGES * perImage];
        for (int i = 0; i < IMAGES; i++) {
            float[] mine = new SplitMix64(SplitMix64.derive(seed, "noise.image." + i)).gaussians(perImage, 1.0);
            if (a == 0) {
                System.arraycopy(mine, 0, out, i * perImage, perImage);
                continue;
            }
            float[] corners = new SplitMix64(SplitMix64.derive(seed, "noise.layout." + i)).gaussians(4 * channels, 1.0);
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < h; y++) {
                    float fy = h == 1 ? 0.5f : (float) y / (h - 1);
                    for (int x = 0; x < w; x++) {
                        float fx = w == 1 ? 0.5f : (float) x / (w - 1);
                        float w00 = (1 - fy) * (1 - fx);
                        float w01 = (1 - fy) * fx;
                        float w10 = fy * (1 - fx);
                        float w11 = fy * fx;
                        float norm = (float) StrictMath.sqrt(w00 * w00 + w01 * w01 + w10 * w10 + w11 * w11);
                        float layout = (w00 * corners[4 * c] + w01 * corners[4 * c + 1] + w10 * corners[4 * c + 2]
                                + w11 * corners[4 * c + 3]) / norm;
                        int j = (c * h + y) * w + x;
                        out[i * perImage + j] = ownW * mine[j] + layoutW * layout;
                    }
                }
            }
        }
        return out;
    }
}
