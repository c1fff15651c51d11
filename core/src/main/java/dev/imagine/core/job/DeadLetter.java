package dev.imagine.core.job;

/**
 * A job that used up its attempts, kept under {@code /dlq/<id>} with everything needed to judge it: the
 * record as it was when it died (spec, attempts and their slots, errors and times in its history).
 */
public record DeadLetter(String jobId, String user, Lane lane, String reason, long deadAtMillis, JobRecord job) {
}
