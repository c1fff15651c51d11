package dev.imagine.api.core;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring image links: {@code /v1/images/<name>?expires=<unix seconds>&sig=<hex>}, where the signature is
 * HMAC-SHA256 over {@code "<path>\n<expires>"} with the configured key. Anyone holding a link can fetch the image
 * until it expires, without an API key; changing the path, the expiry or the signature makes it a 403.
 */
public final class ImageLinks {
    public static final String PREFIX = "/v1/images/";

    private final byte[] key;
    private final Duration lifetime;
    private final Clock clock;

    public ImageLinks(byte[] key, Duration lifetime, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the image link key must be at least 32 bytes (64 hex digits)");
        }
        this.key = key.clone();
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A link to {@code name} (an object's hash and extension) that works for the configured lifetime. */
    public String link(String name) {
        return linkUntil(name, clock.instant().plus(lifetime).getEpochSecond());
    }

    public String linkUntil(String name, long expiresEpochSecond) {
        String path = PREFIX + name;
        return path + "?expires=" + expiresEpochSecond + "&sig=" + sign(path, expiresEpochSecond);
    }

    /** Why a link is refused, or null when it is good. */
    public String refusal(String path, String expires, String signature) {
        if (expires == null || signature == null) {
            return "this image link is not signed: take the link from the job (GET /v1/jobs/{id}), it carries expires and sig";
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return "expires must be unix seconds";
        }
        // Checked before the expiry, so a forged expiry is told as a forgery, not as "expired".
        byte[] expected = sign(path, expiresAt).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            return "this image link's signature does not match its path and expiry; it was changed or is not ours";
        }
        if (clock.instant().getEpochSecond() > expiresAt) {
            return "this image link expired at " + java.time.Instant.ofEpochSecond(expiresAt)
                    + "; fetch the job again for a fresh one";
        }
        return null;
    }

    private String sign(String path, long expiresEpochSecond) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((path + "\n" + expiresEpochSecond).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }
}
