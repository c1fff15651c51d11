package dev.imagine.core.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The job state machine (seed, chapters 2 and 4). Every legal edge is listed here and nowhere else;
 * {@link #canMoveTo} is the one check the store applies before it persists a transition.
 */
public enum JobState {
    RECEIVED, QUEUED, DISPATCHED, PROCESSING, UPLOADING, COMPLETED, REJECTED, FAILED, CANCELLED;

    private static final Map<JobState, Set<JobState>> EDGES = Map.of(
            RECEIVED, EnumSet.of(QUEUED, REJECTED),
            QUEUED, EnumSet.of(DISPATCHED, CANCELLED, FAILED),
            // DISPATCHED -> QUEUED: the slot's participant left before it claimed the job.
            DISPATCHED, EnumSet.of(PROCESSING, QUEUED, CANCELLED, FAILED),
            // PROCESSING -> QUEUED: the lease vanished with the worker's session (same seed, same image).
            PROCESSING, EnumSet.of(UPLOADING, QUEUED, CANCELLED, FAILED),
            // UPLOADING -> QUEUED: post-moderation rejected the grid (new seed, later issue).
            UPLOADING, EnumSet.of(COMPLETED, QUEUED, REJECTED, FAILED),
            COMPLETED, EnumSet.noneOf(JobState.class),
            REJECTED, EnumSet.noneOf(JobState.class),
            // FAILED -> QUEUED: an operator replays a dead letter.
            FAILED, EnumSet.of(QUEUED),
            CANCELLED, EnumSet.noneOf(JobState.class));

    public boolean canMoveTo(JobState next) {
        return EDGES.get(this).contains(next);
    }

    /** Finished: nothing more happens to the job by itself (an operator may still replay a dead letter). */
    public boolean isTerminal() {
        return this == COMPLETED || this == REJECTED || this == FAILED || this == CANCELLED;
    }

    /** Requires a legal edge; an illegal one is a programming error, not a user error. */
    public JobState checkedMoveTo(JobState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("illegal job transition " + this + " -> " + next);
        }
        return next;
    }
}
