package dev.imagine.core.scheduling;

/**
 * One user's jobs in flight and the most the plan allows at once.
 *
 * @param running               jobs DISPATCHED, PROCESSING or UPLOADING now
 * @param lastDispatchedAtMillis when a job of this user last went to a slot (0: never): who waited longest
 */
public record UserLoad(String user, int running, int maxRunning, long lastDispatchedAtMillis) {
    /** A user with no account (jobs from before accounts, tests): never capped. */
    public static UserLoad unlimited(String user) {
        return new UserLoad(user, 0, Integer.MAX_VALUE, 0);
    }
}
