package dev.imagine.kernels;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Assembles four images into the 2x2 grid (0 1 / 2 3) and encodes PNGs. */
final class GridImage {

    /** Latent values in [-RANGE, RANGE] span black..full in previews. */
    private static final float PREVIEW_RANGE = 2.5f;

    private GridImage() {}

    /** images: four packed 0xRRGGBB arrays, each w x h. */
    static byte[] gridPng(int[][] images, int w, int h) {
        BufferedImage grid = new BufferedImage(2 * w, 2 * h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < images.length; i++) {
            grid.setRGB((i % 2) * w, (i / 2) * h, w, h, images[i], 0, w);
        }
        return encode(grid);
    }

    /**
     * A cheap preview: the clean-latent estimate [4][4][h][w], channels 0..2 read as RGB at latent
     * resolution (no decoder run), as a 2h x 2w grid.
     */
    static byte[] previewPng(float[] x0, int h, int w) {
        int plane = h * w;
        int perImage = DitWeights.LATENT_CHANNELS * plane;
        int[][] images = new int[InitialNoise.IMAGES][plane];
        for (int i = 0; i < images.length; i++) {
            int o = i * perImage;
            for (int p = 0; p < plane; p++) {
                images[i][p] = (level(x0[o + p]) << 16) | (level(x0[o + plane + p]) << 8) | level(x0[o + 2 * plane + p]);
            }
        }
        return gridPng(images, w, h);
    }

    /** Pixel-space values [3][h][w] in [-1, 1] at offset to packed 0xRRGGBB: round((v + 1) * 127.5), clamped. */
    static int[] pixels(float[] x, int offset, int h, int w) {
        int plane = h * w;
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            rgb[p] = (toByte(x[offset + p]) << 16) | (toByte(x[offset + plane + p]) << 8) | toByte(x[offset + 2 * plane + p]);
        }
        return rgb;
    }

    private static int toByte(float v) {
        return Math.clamp(Math.round((v + 1f) * 127.5f), 0, 255);
    }

    private static int level(float v) {
        float unit = Math.clamp((v / PREVIEW_RANGE + 1f) * 0.5f, 0f, 1f);
        return Math.round(unit * 255f);
    }

    /** One packed 0xRRGGBB image, w x h, as PNG. */
    static byte[] png(int[] rgb, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, rgb, 0, w);
        return encode(image);
    }

    static BufferedImage read(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(png));
            if (image == null) {
                throw new IllegalArgumentException("not a PNG image (" + png.length + " bytes)");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PNG via ImageIO, through an in-memory stream: ImageIO.write would cache in temp files. */
    private static byte[] encode(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
