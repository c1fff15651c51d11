package dev.imagine.core.job;

/** One failure blamed on a slot (a kernel error, a run without progress, a claim that never came). */
public record SlotFailure(String jobId, String reason, long atMillis) {
}
