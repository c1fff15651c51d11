package dev.imagine.controller.dispatch;

import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotView;
import dev.imagine.core.scheduling.Assignment;
import dev.imagine.core.scheduling.DispatchPolicy;
import dev.imagine.core.scheduling.FreeSlot;
import dev.imagine.core.scheduling.SchedulingSnapshot;
import dev.imagine.core.scheduling.UserLoads;
import dev.imagine.core.scheduling.WaitingJob;
import dev.imagine.core.job.Attempt;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.LaneIndex;
import dev.imagine.core.zk.Quarantine;
import dev.imagine.core.zk.SlotBreakers;
import dev.imagine.core.zk.UnreadableRecordException;
import dev.imagine.core.zk.Versioned;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatch cycle: read a snapshot (lane entries, users' loads, free slots from Helix's ExternalView),
 * let the {@link DispatchPolicy} decide, then bind each decision in its own versioned transaction. A binding
 * that loses a race (the job moved, the user reached the limit meanwhile) is skipped; the next pass starts
 * from ZooKeeper again. Runs only on the elected leader.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final JobStore store;
    private final LaneIndex lanes;
    private final SlotView slots;
    private final UserLoads users;
    private final DispatchPolicy policy;
    private final Clock clock;
    private final Quarantine quarantine;
    private final SlotBreakers breakers;
    private final ExecutorService binders = Executors.newVirtualThreadPerTaskExecutor();
    /** Snapshot time of the previous pass: a job submitted after it is an arrival of this pass. */
    private long previousSnapshotMillis = -1;
    /**
     * Slots a re-queued entry's job already failed on, by entry name (an entry never changes; a retry makes a new
     * one). Only re-queued entries are read for it, and each once.
     */
    private final Map<String, Set<String>> triedSlots = new HashMap<>();

    public Dispatcher(JobStore store, LaneIndex lanes, SlotView slots, UserLoads users, DispatchPolicy policy, Clock clock) {
        this.store = store;
        this.lanes = lanes;
        this.slots = slots;
        this.users = users;
        this.policy = policy;
        this.clock = clock;
        this.quarantine = new Quarantine(store.client());
        this.breakers = new SlotBreakers(store.client());
    }

    public DispatchPass dispatchOnce() throws Exception {
        List<Slot> all = slots.slots();
        Map<String, LaneEntry> entries = new HashMap<>();
        List<WaitingJob> waiting = new ArrayList<>();
        Set<String> userNames = new HashSet<>();
        for (Lane lane : Lane.values()) {
            for (LaneEntry entry : lanes.entries(lane)) {
                Optional<WaitingJob> job = waitingJob(entry);
                if (job.isPresent()) {
                    entries.put(job.get().ref(), entry);
                    waiting.add(job.get());
                    userNames.add(job.get().user());
                }
            }
        }
        triedSlots.keySet().retainAll(entries.keySet());
        waiting = retriedElsewhere(waiting, entries, all);
        SchedulingSnapshot snapshot = new SchedulingSnapshot(clock.millis(), waiting, users.of(userNames), freeSlots(all));
        Map<String, Integer> arrivals = new HashMap<>();
        for (WaitingJob job : waiting) {
            if (previousSnapshotMillis >= 0 && !job.requeued() && job.submittedAtMillis() > previousSnapshotMillis) {
                arrivals.merge(job.version(), 1, Integer::sum);
            }
        }
        previousSnapshotMillis = snapshot.nowMillis();
        int dispatched = 0;
        Map<String, Integer> left = new HashMap<>();
        for (WaitingJob job : waiting) {
            left.merge(job.version(), 1, Integer::sum);
        }
        // Bound concurrently: each binding is its own transaction on its own slot and job, so they commute, and
        // ZooKeeper commits concurrent writes with one log flush (group commit) where serial ones cost one each.
        List<Assignment> decided = policy.decide(snapshot);
        List<Future<Boolean>> bound = new ArrayList<>(decided.size());
        for (Assignment assignment : decided) {
            bound.add(binders.submit(() -> bind(entries.get(assignment.job().ref()), assignment)));
        }
        for (int i = 0; i < decided.size(); i++) {
            if (boundOrLogged(bound.get(i))) {
                dispatched++;
                left.merge(decided.get(i).job().version(), -1, Integer::sum);
            }
        }
        left.values().removeIf(n -> n <= 0);
        Set<String> held = new HashSet<>();
        for (Slot slot : all) {
            if (slot.live() && slot.version() != null) {
                held.add(slot.version());
            }
        }
        Set<String> unserved = new HashSet<>(left.keySet());
        unserved.removeAll(held);
        return new DispatchPass(dispatched, left, unserved, arrivals);
    }

    private static boolean boundOrLogged(Future<Boolean> binding) throws InterruptedException {
        try {
            return binding.get();
        } catch (ExecutionException e) {
            // One binding that failed (a connection loss) loses nothing: its job is still in its lane.
            LOG.warn("A dispatch failed ({}); its job waits for the next pass", e.getCause().toString());
            return false;
        }
    }

    private boolean bind(LaneEntry entry, Assignment assignment) throws Exception {
        String id = entry.jobId();
        Optional<Versioned<JobRecord>> job;
        try {
            job = store.get(id);
        } catch (UnreadableRecordException unreadable) {
            quarantine.record(id, entry.path(), unreadable.getMessage());
            return false;
        }
        if (job.isEmpty() || job.get().value().state() != JobState.QUEUED) {
            // Cannot come from our transactions; an entry left by hand would otherwise be read every pass.
            LOG.warn("Removing lane entry {}: its job {} is {}", entry.path(), id,
                    job.map(j -> j.value().state().name()).orElse("gone"));
            store.removeStaleLaneEntry(entry);
            lanes.forget(entry);
            return false;
        }
        if (store.dispatch(entry, job.get(), assignment.gang(), clock.millis())) {
            LOG.info("Dispatched job {} ({} lane, {}, user {}) to slot {}{}", id, entry.lane().pathName(),
                    assignment.job().version(), assignment.job().user(), assignment.slot(),
                    assignment.gang().size() > 1 ? " with a gang of " + assignment.gang().size() + " " + assignment.gang() : "");
            return true;
        }
        if (store.client().checkExists().forPath(entry.path()) == null) {
            lanes.forget(entry);
        }
        LOG.info("Job {} moved or its user reached the running limit while dispatching; will look again", id);
        return false;
    }

    /** What the policy needs from an entry; an entry from before versions and users were in names costs one read. */
    private Optional<WaitingJob> waitingJob(LaneEntry entry) throws Exception {
        if (entry.modelVersion() != null && entry.user() != null) {
            return Optional.of(WaitingJob.of(entry, clock.millis()));
        }
        Optional<Versioned<JobRecord>> job;
        try {
            job = store.get(entry.jobId());
        } catch (UnreadableRecordException unreadable) {
            quarantine.record(entry.jobId(), entry.path(), unreadable.getMessage());
            return Optional.empty();
        }
        if (job.isEmpty()) {
            store.removeStaleLaneEntry(entry);
            lanes.forget(entry);
            return Optional.empty();
        }
        LaneEntry named = new LaneEntry(entry.lane(), entry.name(), entry.jobId(), job.get().value().spec().modelVersion(),
                job.get().value().user(), entry.requeued(), entry.sequence());
        return Optional.of(WaitingJob.of(named, clock.millis()));
    }

    /**
     * Re-queued jobs avoid the slots they failed on, as long as their version is served by some other slot
     * (with no elsewhere, the same slot may try again: its breaker is what takes a broken slot out).
     */
    private List<WaitingJob> retriedElsewhere(List<WaitingJob> waiting, Map<String, LaneEntry> entries, List<Slot> all)
            throws Exception {
        Map<String, Set<String>> serving = new HashMap<>();
        for (Slot slot : all) {
            if (slot.live() && slot.enabled() && slot.version() != null) {
                serving.computeIfAbsent(slot.version(), v -> new HashSet<>()).add(slot.name());
            }
        }
        List<WaitingJob> placed = new ArrayList<>(waiting.size());
        for (WaitingJob job : waiting) {
            if (!job.requeued()) {
                placed.add(job);
                continue;
            }
            Set<String> tried = triedSlots.get(job.ref());
            if (tried == null) {
                tried = triedSlotsOf(job.jobId());
                triedSlots.put(job.ref(), tried);
            }
            Set<String> elsewhere = new HashSet<>(serving.getOrDefault(job.version(), Set.of()));
            elsewhere.removeAll(tried);
            placed.add(tried.isEmpty() || elsewhere.isEmpty() ? job : job.avoiding(tried));
        }
        return placed;
    }

    private Set<String> triedSlotsOf(String jobId) throws Exception {
        Set<String> tried = new HashSet<>();
        try {
            Optional<Versioned<JobRecord>> record = store.get(jobId);
            for (Attempt attempt : record.map(r -> r.value().history()).orElse(List.of())) {
                if (attempt.slot() != null) {
                    tried.add(attempt.slot());
                }
            }
        } catch (UnreadableRecordException unreadable) {
            // bind() quarantines it when it comes up
        }
        return tried;
    }

    private List<FreeSlot> freeSlots(List<Slot> all) throws Exception {
        List<FreeSlot> free = new ArrayList<>();
        // An open breaker takes its slot out at once, before Helix has shown it disabled.
        Set<String> broken = new HashSet<>(breakers.openSlots());
        for (Slot slot : all) {
            // Free means nothing assigned and no worker still busy there (a run taken back that has not ended).
            if (slot.live() && slot.enabled() && slot.version() != null && !broken.contains(slot.name())
                    && store.slotIsFree(slot.name())) {
                free.add(new FreeSlot(slot.name(), slot.version()));
            }
        }
        return free;
    }
}
