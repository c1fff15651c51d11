package dev.imagine.kernels;

/** What the user's flags mean for a preset; see the "Flag mapping" section of kernels/README.md. */
final class FlagMapping {

    /** The presets' side multiple (the latent is /8 and the patch 2 more); a config gives its own. */
    static final int SIDE_MULTIPLE = 16;
    private static final int MAX_STYLIZE = 1000;
    private static final double MIN_AREA = 0.75;
    private static final double MAX_AREA = 1.25;
    private static final double OUT_OF_BUDGET = 100;

    private FlagMapping() {}

    static SamplingPlan plan(GenerationRequest r, ModelConfig config) {
        int[] size = imageSize(r.aspectWidth(), r.aspectHeight(), config.pixelsPerImage(), config.sideMultiple());
        return new SamplingPlan(size[0], size[1], steps(r.quality(), config.baseSteps()),
                guidanceScale(r.stylize(), config.guidance()), chaosSpread(r.chaos()));
    }

    static SamplingPlan plan(GenerationRequest r, ModelPreset preset) {
        return plan(r, preset.config("v8", Sampler.Kind.RECTIFIED_FLOW));
    }

    static int[] imageSize(int aspectWidth, int aspectHeight, int budget) {
        return imageSize(aspectWidth, aspectHeight, budget, SIDE_MULTIPLE);
    }

    /**
     * --ar: the {width, height} with both sides multiples of 16 (at least 16) that best keeps the
     * ratio and the pixel budget (a hard ±25% band), scoring 2·|ln(ratio/asked)| + |ln(area/budget)|
     * over every pair of sides (first best wins). The ratio weighs double: a 3:2 request should look 3:2 (144x96 on
     * SMALL) rather than hit the budget exactly with a squarer 144x112. Ratios beyond what a
     * 16-pixel short side allows are clamped to it.
     */
    static int[] imageSize(int aspectWidth, int aspectHeight, int budget, int multiple) {
        if (aspectWidth <= 0 || aspectHeight <= 0) {
            throw new IllegalArgumentException("aspect ratio terms must be positive: " + aspectWidth + ":" + aspectHeight);
        }
        double extreme = (double) budget / (multiple * multiple);
        double ratio = Math.clamp((double) aspectWidth / aspectHeight, 1 / extreme, extreme);
        int bestW = multiple;
        int bestH = multiple;
        double bestScore = Double.POSITIVE_INFINITY;
        int longest = budget / multiple;
        for (int w = multiple; w <= longest; w += multiple) {
            for (int h = multiple; h <= longest; h += multiple) {
                double area = (double) w * h / budget;
                // The budget is a hard band (compute per image stays within ±25%); inside it, shape first.
                double score = 2 * Math.abs(StrictMath.log((double) w / h / ratio)) + Math.abs(StrictMath.log(area))
                        + (area < MIN_AREA || area > MAX_AREA ? OUT_OF_BUDGET : 0);
                if (score < bestScore) {
                    bestScore = score;
                    bestW = w;
                    bestH = h;
                }
            }
        }
        return new int[] {bestW, bestH};
    }

    /** --q: round(baseSteps * q), at least 1. */
    static int steps(double quality, int baseSteps) {
        if (!(quality > 0)) {
            throw new IllegalArgumentException("quality must be positive: " + quality);
        }
        return (int) Math.max(1, Math.round(baseSteps * quality));
    }

    /** --stylize: piecewise linear, 0 -> 1.0 (no guidance), 100 -> 4.5, 1000 -> 10.0. */
    static float guidanceScale(int stylize) {
        int s = Math.clamp(stylize, 0, MAX_STYLIZE);
        double g = s <= 100 ? 1.0 + 3.5 * s / 100.0 : 4.5 + 5.5 * (s - 100) / 900.0;
        return (float) g;
    }

    /** As {@link #guidanceScale(int)}, scaled so that --stylize 100 gives the model's own default guidance. */
    static float guidanceScale(int stylize, float atDefault) {
        return (float) (1.0 + (guidanceScale(stylize) - 1.0) * (atDefault - 1.0) / 3.5);
    }

    /** --chaos: 0..100 to 0..1. */
    static float chaosSpread(int chaos) {
        return Math.clamp(chaos, 0, 100) / 100f;
    }
}
