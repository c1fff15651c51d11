package dev.imagine.core.moderation;

import java.awt.image.BufferedImage;

/**
 * A first nudity screen: the share of an image's pixels whose colour falls in the human skin-tone region of YCbCr
 * (Cb 77–127, Cr 133–173, the Chai–Ngan range), flagged above {@code maxSkinShare}. What it detects: large exposed
 * skin areas of any skin tone under ordinary light. Its limits: it knows no shapes, so close-up faces, hands, sand, wood
 * and warm-lit walls raise false alarms, and greyscale, tinted or stylised nudity passes; it is a screen in front of a
 * trained classifier (which goes behind the same interface), not a substitute for one.
 */
public final class SkinExposureClassifier implements ImageClassifier {
    /** Default threshold: more than 80% of the image skin-coloured (the untrained model's colour fields measure 25–37% median, 53% at most over 96 images). */
    public static final double DEFAULT_MAX_SKIN_SHARE = 0.80;

    private final double maxSkinShare;

    public SkinExposureClassifier(double maxSkinShare) {
        if (!(maxSkinShare >= 0 && maxSkinShare <= 1)) {
            throw new IllegalArgumentException("maxSkinShare must be within 0..1: " + maxSkinShare);
        }
        this.maxSkinShare = maxSkinShare;
    }

    @Override
    public String name() {
        return "skin-exposure";
    }

    @Override
    public Verdict classify(BufferedImage image) {
        double share = skinShare(image);
        return share > maxSkinShare
                ? new Verdict(String.format(java.util.Locale.ROOT, "%.0f%% of the image is skin-coloured (limit %.0f%%)",
                        100 * share, 100 * maxSkinShare))
                : Verdict.PASS;
    }

    static double skinShare(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        int skin = 0;
        for (int p : rgb) {
            int r = (p >> 16) & 0xff;
            int g = (p >> 8) & 0xff;
            int b = p & 0xff;
            double cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
            double cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
            if (cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173) {
                skin++;
            }
        }
        return rgb.length == 0 ? 0 : (double) skin / rgb.length;
    }
}
