package dev.imagine.core.moderation;

import java.awt.image.BufferedImage;

/**
 * The image check after rendering, before storage: one classifier looks at one image. Implementations are
 * thread-safe. One that cannot decide (its list unreadable, its model missing) throws {@link Unavailable}: the job is
 * then not delivered (fail closed).
 */
public interface ImageClassifier {
    /** The classifier's answer: {@code reason} is null when the image passes. */
    record Verdict(String reason) {
        public static final Verdict PASS = new Verdict(null);

        public boolean flagged() {
            return reason != null;
        }
    }

    String name();

    Verdict classify(BufferedImage image);

    /** The classifier cannot decide now; nothing may be delivered until it can. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
