package dev.imagine.api.discord;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One job asked for from Discord ({@code /discord/<job id>}), created in the submission's own transaction: where its
 * progress and its grid go. {@code messageId} null means the interaction's original response (a slash command);
 * {@link #NEW} means a follow-up message yet to be made (a button click: the grid it was clicked on stays as it is).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DiscordEntry(String token, String channelId, String userId, String prompt, long createdAtMillis,
                           String messageId, int lastStep, long lastEditMillis, long nextAttemptAtMillis, int attempts) {
    public static final String NEW = "new";

    public static DiscordEntry of(String token, String channelId, String userId, String prompt, long now, String messageId) {
        return new DiscordEntry(token, channelId, userId, prompt, now, messageId, -1, 0, 0, 0);
    }

    public DiscordEntry edited(int step, long now, String newMessageId) {
        return new DiscordEntry(token, channelId, userId, prompt, createdAtMillis, newMessageId, step, now, 0, 0);
    }

    public DiscordEntry retryAt(long at) {
        return new DiscordEntry(token, channelId, userId, prompt, createdAtMillis, messageId, lastStep, lastEditMillis, at,
                attempts + 1);
    }
}
