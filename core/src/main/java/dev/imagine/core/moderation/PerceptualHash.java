package dev.imagine.core.moderation;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The difference hash (dHash) of an image: 64 bits, one per horizontal brightness gradient of a 9x8 grey thumbnail.
 * Resizing, re-encoding and small colour changes move few bits, so a known image is found again within a small
 * Hamming distance; two unrelated images differ in about half of them.
 */
public final class PerceptualHash {
    private PerceptualHash() {
    }

    public static long of(BufferedImage image) {
        BufferedImage small = new BufferedImage(9, 8, BufferedImage.TYPE_BYTE_GRAY);
        var g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, 9, 8, null);
        g.dispose();
        long hash = 0;
        var raster = small.getRaster();
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                hash = (hash << 1) | (raster.getSample(x, y, 0) > raster.getSample(x + 1, y, 0) ? 1 : 0);
            }
        }
        return hash;
    }

    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    public static String hex(long hash) {
        return String.format("%016x", hash);
    }

    public static long parse(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }
}
