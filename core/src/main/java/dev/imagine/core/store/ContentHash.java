package dev.imagine.core.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 names of stored objects: 64 lower-case hex digits. */
public final class ContentHash {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private ContentHash() {
    }

    public static String of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    public static boolean isHash(String text) {
        return text != null && HEX64.matcher(text).matches();
    }

    static void require(String sha256) {
        if (!isHash(sha256)) {
            throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 object name");
        }
    }
}
