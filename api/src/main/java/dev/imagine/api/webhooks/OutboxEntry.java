package dev.imagine.api.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One job's webhook in the outbox ({@code /webhooks/<job id>} in ZooKeeper): created in the submission's own
 * transaction, so a job with a callback always has one, and deleted only once a delivery was answered 2xx (or given
 * up on). Delivery is therefore at least once: a crash between the answer and the delete sends it again, with the same
 * {@code Imagine-Event-Id}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutboxEntry(String url, String user, long createdAtMillis, int attempts, long nextAttemptAtMillis,
                          String lastError) {

    public static OutboxEntry create(String url, String user, long nowMillis) {
        return new OutboxEntry(url, user, nowMillis, 0, 0, null);
    }

    public OutboxEntry failed(String error, long nextAtMillis) {
        return new OutboxEntry(url, user, createdAtMillis, attempts + 1, nextAtMillis, error);
    }
}
