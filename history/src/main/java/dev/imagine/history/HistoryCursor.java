package dev.imagine.history;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a page ended: the last job's submission time and id (ids break ties). Opaque to clients (base64url), so
 * the order can change without breaking their links; a cursor that does not decode is a client error.
 */
public record HistoryCursor(long submittedAtMillis, String id) {
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((submittedAtMillis + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static Optional<HistoryCursor> decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = plain.indexOf(':');
            if (colon < 1 || colon == plain.length() - 1) {
                return Optional.empty();
            }
            return Optional.of(new HistoryCursor(Long.parseLong(plain.substring(0, colon)), plain.substring(colon + 1)));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
