package dev.imagine.core.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API keys: {@code imk_} then 32 random bytes in hex. Only the SHA-256 of a key is stored; a key of
 * 256 random bits needs no slow password hash, since nobody can guess its pre-image.
 */
public final class ApiKeys {
    public static final String PREFIX = "imk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }

    public static String sha256(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The key's public id: the first 8 hex digits of its hash. */
    public static String idOf(String sha256) {
        return "k" + sha256.substring(0, 8);
    }

    /** Shape check before any lookup: a malformed key never reaches ZooKeeper. */
    public static boolean wellFormed(String key) {
        return key != null && key.length() == PREFIX.length() + 64 && key.startsWith(PREFIX)
                && key.substring(PREFIX.length()).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** A fresh webhook signing secret: 32 random bytes as "whsec_" and 64 hex digits. */
    public static String webhookSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return "whsec_" + java.util.HexFormat.of().formatHex(bytes);
    }
}
