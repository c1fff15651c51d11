package dev.imagine.core.scheduling;

import java.util.List;

/**
 * The policy's decision: this job to this slot, or to a sequence-parallel gang of slots (rank 0, {@code slot},
 * first). Binding it (one ZooKeeper transaction for the whole gang) may still fail.
 */
public record Assignment(WaitingJob job, String slot, List<String> gang) {

    public Assignment {
        gang = gang == null || gang.isEmpty() ? List.of(slot) : List.copyOf(gang);
        if (!gang.get(0).equals(slot)) {
            throw new IllegalArgumentException("rank 0 of the gang " + gang + " must be " + slot);
        }
    }

    public Assignment(WaitingJob job, String slot) {
        this(job, slot, List.of(slot));
    }
}
