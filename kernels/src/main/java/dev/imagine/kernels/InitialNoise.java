package dev.imagine.kernels;

/**
 * The four starting latents of a grid. Image i starts from
 * {@code sqrt(1 - w^2) * base + w * own_i} with w = 0.35 + 0.65 * chaosSpread, where base is
 * seeded by the request seed alone and own_i by (seed, i). Both are unit normals, so the mix is
 * too. --chaos 0 (w = 0.35) gives four variations on one composition; --chaos 100 (w = 1) gives
 * four independent images.
 */
final class InitialNoise {

    static final int IMAGES = 4;
    /** Weight of the per-image noise at --chaos 0. */
    static final double MIN_OWN_WEIGHT = 0.35;

    private InitialNoise() {}

    /** Returns [4][perImage] unit-variance noise. */
    static float[] fourImages(long seed, float chaosSpread, int perImage) {
        double own = MIN_OWN_WEIGHT + (1.0 - MIN_OWN_WEIGHT) * chaosSpread;
        float ownW = (float) own;
        float baseW = (float) StrictMath.sqrt(Math.max(0.0, 1.0 - own * own));
        float[] base = new SplitMix64(SplitMix64.derive(seed, "noise.base")).gaussians(perImage, 1.0);
        float[] out = new float[IMAGES * perImage];
        for (int i = 0; i < IMAGES; i++) {
            float[] mine = new SplitMix64(SplitMix64.derive(seed, "noise.image." + i)).gaussians(perImage, 1.0);
            for (int j = 0; j < perImage; j++) {
                out[i * perImage + j] = baseW * base[j] + ownW * mine[j];
            }
        }
        return out;
    }
}
