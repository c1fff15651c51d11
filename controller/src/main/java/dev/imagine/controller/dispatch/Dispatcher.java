package dev.imagine.controller.dispatch;

import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotView;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.Versioned;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands queued jobs to free slots, lanes in order (Turbo, then Fast, then Relax), each lane front to
 * back, and only to a slot whose ExternalView state already holds the job's model version. A job whose
 * version has no free slot is skipped, not waited on, so it cannot block jobs of other versions.
 * Runs only on the elected leader; every hand-off is one versioned ZooKeeper transaction.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final JobStore store;
    private final SlotView slots;
    private final Clock clock;

    public Dispatcher(JobStore store, SlotView slots, Clock clock) {
        this.store = store;
        this.slots = slots;
        this.clock = clock;
    }

    public DispatchPass dispatchOnce() throws Exception {
        List<Slot> all = slots.slots();
        Map<String, Deque<Slot>> free = freeSlotsByVersion(all);
        Set<String> heldVersions = new HashSet<>();
        for (Slot slot : all) {
            if (slot.live() && slot.version() != null) {
                heldVersions.add(slot.version());
            }
        }
        int dispatched = 0;
        Map<String, Integer> waiting = new HashMap<>();
        for (Lane lane : Lane.values()) {
            for (LaneEntry entry : store.laneEntries(lane)) {
                Optional<Versioned<JobRecord>> job = store.get(entry.jobId());
                if (job.isEmpty() || job.get().value().state() != JobState.QUEUED) {
                    LOG.warn("Lane entry {} points at job {} which is not QUEUED; leaving it for recovery",
                            entry.path(), entry.jobId());
                    continue;
                }
                String version = job.get().value().spec().modelVersion();
                Deque<Slot> candidates = free.get(version);
                if (candidates == null || candidates.isEmpty()) {
                    waiting.merge(version, 1, Integer::sum);
                    continue;
                }
                Slot slot = candidates.poll();
                if (store.dispatch(entry, job.get(), slot.name(), clock.millis())) {
                    dispatched++;
                    LOG.info("Dispatched job {} ({} lane, {}) to slot {} on {}", entry.jobId(), lane.pathName(),
                            version, slot.name(), slot.instance());
                } else {
                    LOG.info("Job {} moved while dispatching; will look again", entry.jobId());
                }
            }
        }
        Set<String> unserved = new HashSet<>(waiting.keySet());
        unserved.removeAll(heldVersions);
        return new DispatchPass(dispatched, waiting, unserved);
    }

    private Map<String, Deque<Slot>> freeSlotsByVersion(List<Slot> all) throws Exception {
        Map<String, Deque<Slot>> free = new HashMap<>();
        for (Slot slot : all) {
            if (slot.live() && slot.version() != null && store.assignments(slot.name()).isEmpty()) {
                free.computeIfAbsent(slot.version(), v -> new ArrayDeque<>()).add(slot);
            }
        }
        return free;
    }
}
