package dev.imagine.core.moderation;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The image check on a finished render: every classifier on every image of the grid (a 2x2 grid is four images, an
 * upscale one). The first flag wins; a classifier that cannot decide makes the whole check {@link
 * ImageClassifier.Unavailable}.
 */
public final class ImageModeration {
    /** Renders of one job the check may refuse before the job ends REJECTED. */
    public static final int MAX_RENDERS = 3;

    private final List<ImageClassifier> classifiers;

    public ImageModeration(List<ImageClassifier> classifiers) {
        this.classifiers = List.copyOf(classifiers);
    }

    /** @return null when the render passes, else why not (naming the image and the classifier) */
    public String check(byte[] png, boolean grid) {
        if (classifiers.isEmpty()) {
            return null;
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new ImageClassifier.Unavailable("the render is not a readable PNG: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new ImageClassifier.Unavailable("the render is not a readable PNG", null);
        }
        List<BufferedImage> parts = grid && image.getWidth() >= 2 && image.getHeight() >= 2 ? cells(image) : List.of(image);
        for (int i = 0; i < parts.size(); i++) {
            for (ImageClassifier classifier : classifiers) {
                ImageClassifier.Verdict verdict = classifier.classify(parts.get(i));
                if (verdict.flagged()) {
                    return (grid ? "image " + (i + 1) : "the image") + " refused by " + classifier.name() + ": "
                            + verdict.reason();
                }
            }
        }
        return null;
    }

    /** The four images of a 2x2 grid, in U1–U4 order: top left, top right, bottom left, bottom right. */
    public static List<BufferedImage> cells(BufferedImage grid) {
        int w = grid.getWidth() / 2;
        int h = grid.getHeight() / 2;
        return List.of(grid.getSubimage(0, 0, w, h), grid.getSubimage(w, 0, w, h),
                grid.getSubimage(0, h, w, h), grid.getSubimage(w, h, w, h));
    }
}
