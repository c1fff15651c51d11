package dev.imagine.core.account;

/**
 * One API key of an account as stored: never the key itself, only its SHA-256.
 *
 * @param id short public name of the key (for listing and revoking), derived from the hash
 */
public record ApiKey(String id, String sha256, long createdAtMillis) {
}
