package dev.imagine.core.scheduling;

/**
 * One user's jobs in flight and the most the plan allows at once.
 *
 * @param running               jobs DISPATCHED, PROCESSING or UPLOADING now
 * @param lastDispatchedAtMillis when a job of this user last went to a slot (0: never): who waited longest
 */
public record UserLoad(String user, int running, int maxRunning, long lastDispatchedAtMillis) {
}
