package dev.imagine.controller.dispatch;

import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotView;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Quarantine;
import dev.imagine.core.zk.UnreadableRecordException;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds assigned jobs nobody is working on and puts them back at the front of their lane:
 * a PROCESSING job whose ephemeral lease vanished (its worker's ZooKeeper session ended), a
 * DISPATCHED job whose slot's participant is no longer live, or one its live participant has not
 * claimed within the claim timeout (a missed notification must not hold a job forever). Idempotent: a pass that finds nothing
 * changes nothing, and every re-queue is a versioned transaction that loses to a concurrent claim.
 */
public final class OrphanRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanRecovery.class);

    private final JobStore store;
    private final SlotView slots;
    private final Clock clock;
    private final Duration claimTimeout;

    public OrphanRecovery(JobStore store, SlotView slots, Clock clock, Duration claimTimeout) {
        this.store = store;
        this.slots = slots;
        this.clock = clock;
        this.claimTimeout = claimTimeout;
    }

    /** @return how many jobs were re-queued */
    public int recoverOnce() throws Exception {
        Map<String, Slot> byName = new HashMap<>();
        for (Slot slot : slots.slots()) {
            byName.put(slot.name(), slot);
        }
        int requeued = 0;
        for (String slotName : store.slotsWithAssignments()) {
            for (String jobId : store.assignments(slotName)) {
                Optional<Versioned<JobRecord>> job;
                try {
                    job = store.get(jobId);
                } catch (UnreadableRecordException unreadable) {
                    // Its assignment would otherwise keep the slot busy for ever, and fail every pass.
                    new Quarantine(store.client()).record(jobId, ZkPaths.assignment(slotName, jobId), unreadable.getMessage());
                    continue;
                }
                if (job.isEmpty()) {
                    continue;
                }
                String reason = orphanReason(job.get().value(), byName.get(slotName));
                if (reason != null && store.requeue(job.get(), reason, clock.millis())) {
                    requeued++;
                    LOG.warn("Re-queued job {} at the front of its lane: {}", jobId, reason);
                }
            }
        }
        return requeued;
    }

    private String orphanReason(JobRecord job, Slot slot) throws Exception {
        JobState state = job.state();
        if ((state == JobState.PROCESSING || state == JobState.UPLOADING) && !store.hasLease(job.id())) {
            return "lease lost: worker " + job.worker() + " stopped while " + state;
        }
        if (state == JobState.DISPATCHED && (slot == null || !slots.isLive(slot.instance()))) {
            return "slot " + job.slot() + " left before claiming the job";
        }
        if (state == JobState.DISPATCHED && clock.millis() - job.dispatchedAtMillis() > claimTimeout.toMillis()) {
            return "slot " + job.slot() + " did not claim the job within " + claimTimeout.toSeconds() + " s";
        }
        return null;
    }
}
