package dev.imagine.kernels.weights;

import dev.imagine.kernels.SplitMix64;

/**
 * Untrained weights from a seed: each tensor from its own SplitMix64 stream derived from (seed, name),
 * so adding or reordering tensors never changes the others.
 */
public final class GeneratedWeights implements WeightSource {
    private static final float[] BLUR = {
        1 / 16f, 2 / 16f, 1 / 16f,
        2 / 16f, 4 / 16f, 2 / 16f,
        1 / 16f, 2 / 16f, 1 / 16f};

    private final long seed;

    public GeneratedWeights(long seed) {
        this.seed = seed;
    }

    @Override
    public float[] tensor(TensorSpec spec) {
        int n = Math.toIntExact(spec.elements());
        SplitMix64 rng = new SplitMix64(SplitMix64.derive(seed, spec.name()));
        return switch (spec.init()) {
            case Init.Normal normal -> rng.gaussians(n, normal.gain() / StrictMath.sqrt(spec.fanIn()));
            case Init.Gaussian gaussian -> rng.gaussians(n, gaussian.std());
            case Init.Constant constant -> {
                float[] values = new float[n];
                java.util.Arrays.fill(values, constant.value());
                yield values;
            }
            case Init.SmoothConv smooth -> smoothConv(rng, spec, smooth);
        };
    }

    private static float[] smoothConv(SplitMix64 rng, TensorSpec spec, Init.SmoothConv smooth) {
        int cout = (int) spec.shape()[0];
        int cin = (int) spec.shape()[1];
        float[] w = new float[cout * cin * 9];
        double mixStd = smooth.mixGain() / StrictMath.sqrt(cin);
        double detailStd = smooth.detailGain() / StrictMath.sqrt(cin * 9.0);
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                double mix = rng.nextGaussian() * mixStd;
                for (int t = 0; t < 9; t++) {
                    w[(co * cin + ci) * 9 + t] = (float) (mix * BLUR[t] + rng.nextGaussian() * detailStd);
                }
            }
        }
        return w;
    }
}
