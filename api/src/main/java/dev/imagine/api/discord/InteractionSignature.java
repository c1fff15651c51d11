package dev.imagine.api.discord;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Discord signs every interaction: {@code X-Signature-Ed25519} is the hex Ed25519 signature of {@code
 * X-Signature-Timestamp} followed by the raw body, by the application's key. Checked with the JDK's own Ed25519.
 */
public final class InteractionSignature {
    /** DER prefix of an X.509 SubjectPublicKeyInfo holding a raw 32-byte Ed25519 key. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final PublicKey key;

    /** @throws IllegalArgumentException if the hex is not a 32-byte key */
    public InteractionSignature(String publicKeyHex) {
        byte[] raw;
        try {
            raw = HexFormat.of().parseHex(publicKeyHex.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Discord public key must be 64 hex digits", e);
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("the Discord public key must be 32 bytes (64 hex digits), got " + raw.length);
        }
        byte[] der = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        try {
            key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** False for a missing, malformed or wrong signature. */
    public boolean verify(String signatureHex, String timestamp, byte[] body) {
        if (signatureHex == null || timestamp == null || body == null) {
            return false;
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(signatureHex.trim());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        if (signature.length != 64) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
            verifier.update(body);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
