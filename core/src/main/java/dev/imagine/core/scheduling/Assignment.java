package dev.imagine.core.scheduling;

/** The policy's decision: this job to this slot. Binding it (a ZooKeeper transaction) may still fail. */
public record Assignment(WaitingJob job, String slot) {
}
