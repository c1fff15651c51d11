package dev.imagine.core.job;

/**
 * One attempt of a job that did not complete, kept in the job's record: where it ran, when, and why it ended.
 * A dead letter's context is this history.
 *
 * @param number  the job's attempt count when it ended (claims, plus claim timeouts)
 * @param slot    the slot it was dispatched to
 * @param worker  the participant that claimed it, or null if none did
 * @param outcome why it ended, as the retry recorded it
 */
public record Attempt(int number, String slot, String worker, long dispatchedAtMillis, long startedAtMillis,
                      long endedAtMillis, String outcome) {
}
