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
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds assigned jobs nobody is working on and puts them back at the front of their lane:
 * <ul>
 *   <li>a PROCESSING or UPLOADING job whose ephemeral lease vanished (its worker's ZooKeeper session ended);</li>
 *   <li>one whose record has not moved for the progress timeout although its lease is there (a hung kernel): the
 *       slot is blamed, and stays busy until its worker itself lets go;</li>
 *   <li>a DISPATCHED job whose slot's participant is no longer live, or one its live participant has not claimed
 *       within the claim timeout (a missed notification must not hold a job forever; it counts as an attempt).</li>
 * </ul>
 * Progress is judged by the record's version as this process saw it, on this process's clock: no two clocks
 * are compared, and a new leader starts its watch afresh (a hung job then waits one timeout more, never less).
 * Idempotent: a pass that finds nothing changes nothing, and every re-queue is a versioned transaction that
 * loses to a concurrent claim or step.
 */
public final class OrphanRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanRecovery.class);

    private final JobStore store;
    private final SlotView slots;
    private final Clock clock;
    private final Duration claimTimeout;
    private final Duration progressTimeout;
    /** Job id → the record version last seen and when (this clock) it was first seen at that version. */
    private final Map<String, long[]> lastMoved = new HashMap<>();

    public OrphanRecovery(JobStore store, SlotView slots, Clock clock, Duration claimTimeout, Duration progressTimeout) {
        this.store = store;
        this.slots = slots;
        this.clock = clock;
        this.claimTimeout = claimTimeout;
        this.progressTimeout = progressTimeout;
    }

    /** @return how many jobs were re-queued */
    public int recoverOnce() throws Exception {
        Map<String, Slot> byName = new HashMap<>();
        for (Slot slot : slots.slots()) {
            byName.put(slot.name(), slot);
        }
        Set<String> seen = new HashSet<>();
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
                seen.add(jobId);
                JobStore.Retry retry = orphan(job.get(), byName.get(slotName));
                if (retry != null && store.retry(job.get(), retry, clock.millis())) {
                    requeued++;
                    lastMoved.remove(jobId);
                    LOG.warn("Re-queued job {} at the front of its lane: {}", jobId, retry.reason());
                }
            }
            removeIfGone(slotName, byName);
        }
        lastMoved.keySet().retainAll(seen);
        return requeued;
    }

    private JobStore.Retry orphan(Versioned<JobRecord> versioned, Slot slot) throws Exception {
        JobRecord job = versioned.value();
        JobState state = job.state();
        if (state == JobState.PROCESSING || state == JobState.UPLOADING) {
            if (!store.hasLease(job.id())) {
                return JobStore.Retry.of("lease lost: worker " + job.worker() + " stopped while " + state);
            }
            long stillFor = unmovedMillis(job.id(), versioned.version());
            if (stillFor > progressTimeout.toMillis()) {
                return JobStore.Retry.slotFault("no progress for " + stillFor / 1000 + " s on slot " + job.slot() + " ("
                        + state + ", step " + job.step() + "/" + job.totalSteps() + ")");
            }
            return null;
        }
        if (state == JobState.DISPATCHED && (slot == null || !slots.isLive(slot.instance()))) {
            return JobStore.Retry.of("slot " + job.slot() + " left before claiming the job");
        }
        if (state == JobState.DISPATCHED && clock.millis() - job.dispatchedAtMillis() > claimTimeout.toMillis()) {
            return JobStore.Retry.claimTimeout("slot " + job.slot() + " did not claim the job within "
                    + claimTimeout.toSeconds() + " s");
        }
        return null;
    }

    /** How long the record has stayed at {@code version}, as this process has watched it. */
    private long unmovedMillis(String jobId, int version) {
        long now = clock.millis();
        long[] seen = lastMoved.get(jobId);
        if (seen == null || seen[0] != version) {
            lastMoved.put(jobId, new long[] {version, now});
            return 0;
        }
        return now - seen[1];
    }

    /**
     * The folder of a slot Helix no longer knows, once empty, is removed: the passes must not grow with every
     * slot ever seen. A dispatch racing this loses on the folder's version, as with any change of it.
     */
    private void removeIfGone(String slotName, Map<String, Slot> known) throws Exception {
        if (known.containsKey(slotName) || !store.slotIsFree(slotName)) {
            return;
        }
        try {
            store.client().delete().forPath(ZkPaths.slotAssignments(slotName));
            LOG.info("Removed the assignment folder of slot {}, which left the cluster", slotName);
        } catch (KeeperException.NoNodeException | KeeperException.NotEmptyException raced) {
            // gone, or just assigned: the next pass looks again
        }
    }
}
