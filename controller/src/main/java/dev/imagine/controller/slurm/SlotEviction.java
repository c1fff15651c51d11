package dev.imagine.controller.slurm;

import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a participant whose Slurm job is gone out of Helix: its assigned jobs back to the front of their
 * lanes (versioned: a worker still alive loses its next write), its slots out of the IdealState, and
 * its registration dropped once it is no longer live. Idempotent: repeating it changes nothing more.
 */
public final class SlotEviction {
    private static final Logger LOG = LoggerFactory.getLogger(SlotEviction.class);

    private final SlotAdmin slots;
    private final JobStore store;
    private final Clock clock;

    public SlotEviction(SlotAdmin slots, JobStore store, Clock clock) {
        this.slots = slots;
        this.store = store;
        this.clock = clock;
    }

    /** @return true once the participant is entirely gone from Helix */
    public boolean evict(String instance, String reason) throws Exception {
        for (SlotAdmin.SlotRef slot : slots.slotsOf(instance)) {
            requeueAssigned(slot.name(), reason);
        }
        slots.removeSlots(instance);
        return slots.dropInstance(instance);
    }

    /** Jobs on a slot that no longer exists; every re-queue is versioned and loses to a concurrent writer. */
    public int requeueAssigned(String slot, String reason) throws Exception {
        int requeued = 0;
        for (String jobId : store.assignments(slot)) {
            Optional<Versioned<JobRecord>> job = store.get(jobId);
            if (job.isEmpty()) {
                continue;
            }
            JobState state = job.get().value().state();
            if ((state == JobState.DISPATCHED || state == JobState.PROCESSING || state == JobState.UPLOADING)
                    && store.requeue(job.get(), reason, clock.millis())) {
                requeued++;
                LOG.warn("Re-queued job {} from slot {} at the front of its lane: {}", jobId, slot, reason);
            }
        }
        return requeued;
    }
}
