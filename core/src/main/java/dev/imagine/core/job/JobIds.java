package dev.imagine.core.job;

import java.security.SecureRandom;

/**
 * Job ids: base-36 milliseconds then 8 random base-36 characters, e.g. {@code mf3k2x1a-4k9z0q7d}.
 * Sortable by submission time, unguessable enough not to enumerate, and safe as znode and file names.
 */
public final class JobIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private JobIds() {
    }

    public static String next(long nowMillis) {
        StringBuilder id = new StringBuilder(Long.toString(nowMillis, 36)).append('-');
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    /** Ids older than this (2017) were not made by {@link #next}. */
    private static final long EARLIEST_MILLIS = 1_500_000_000_000L;

    /** The submission time an id carries, or 0 for an id not made here (tests, hand-written). */
    public static long millisOf(String id) {
        int dash = id.indexOf('-');
        if (dash <= 0 || dash > 12) {
            return 0;
        }
        try {
            long millis = Long.parseLong(id.substring(0, dash), 36);
            return millis >= EARLIEST_MILLIS ? millis : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
