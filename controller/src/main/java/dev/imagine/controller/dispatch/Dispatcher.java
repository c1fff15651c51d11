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
                // The version is in the entry's name: a job no free slot can take costs no read.
                String named = entry.modelVersion();
                if (named != null && !hasFree(free, named)) {
                    waiting.merge(named, 1, Integer::sum);
                    continue;
                }
                Optional<Versioned<JobRecord>> job = store.get(entry.jobId());
                if (job.isEmpty() || job.get().value().state() != JobState.QUEUED) {
                    // Cannot come from our transactions; an entry left by hand would otherwise be read every pass.
                    LOG.warn("Removing lane entry {}: its job {} is {}", entry.path(), entry.jobId(),
                            job.map(j -> j.value().state().name()).orElse("gone"));
                    store.removeStaleLaneEntry(entry);
                    continue;
                }
                String version = job.get().value().spec().modelVersion();
                if (!hasFree(free, version)) {
                    waiting.merge(version, 1, Integer::sum);
                    continue;
                }
                Slot slot = free.get(version).poll();
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

    private static boolean hasFree(Map<String, Deque<Slot>> free, String version) {
        Deque<Slot> slots = free.get(version);
        return slots != null && !slots.isEmpty();
    }

    private Map<String, Deque<Slot>> freeSlotsByVersion(List<Slot> all) throws Exception {
        Map<String, Deque<Slot>> free = new HashMap<>();
        for (Slot slot : all) {
            if (slot.live() && slot.enabled() && slot.version() != null && store.assignments(slot.name()).isEmpty()) {
                free.computeIfAbsent(slot.version(), v -> new ArrayDeque<>()).add(slot);
            }
        }
        return free;
    }
}
