package dev.imagine.core.scheduling;

import dev.imagine.core.job.Lane;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dispatch order, as a pure function of a {@link SchedulingSnapshot}: the dispatcher and the simulator
 * both call it, so the simulator's numbers are the cluster's.
 *
 * <ol>
 *   <li>Bands in strict order: Turbo, then Fast, then Relax. A Relax job that has waited longer than
 *       {@code relaxPromoteAfter} joins the Fast band (aging): Relax never starves, since its wait is bounded
 *       by that age plus the Fast band's wait.</li>
 *   <li>Within a band, fair across users by least running first: the next job goes to the user with the
 *       fewest jobs in flight (ties: the older head job). One user's ten waiting jobs then take turns with
 *       another user's one instead of going before it (max-min fair share of slots, round-robin in effect).</li>
 *   <li>A user at the plan's running limit is skipped, so their jobs wait without blocking anyone's.</li>
 *   <li>Only a free slot already holding the job's model version takes it (affinity); a version with no
 *       free slot is skipped, not waited on.</li>
 *   <li>A job retried after a failure goes to a slot it has not failed on; if every free slot of its version is one
 *       it failed on, it waits for another pass.</li>
 *   <li>A Turbo job takes a sequence-parallel gang of {@code turboRanks} free slots of its version when that many are
 *       free (one rendering split k ways finishes sooner), and one slot otherwise: it never waits for a gang. A
 *       re-queued job gets one slot.</li>
 * </ol>
 */
public final class DispatchPolicy {
    private final long relaxPromoteAfterMillis;
    private final int turboRanks;

    public DispatchPolicy(Duration relaxPromoteAfter) {
        this(relaxPromoteAfter, 1);
    }

    /** @param turboRanks slots a Turbo job renders on when that many are free (1: never a gang; 2 or 4) */
    public DispatchPolicy(Duration relaxPromoteAfter, int turboRanks) {
        if (turboRanks != 1 && turboRanks != 2 && turboRanks != 4) {
            throw new IllegalArgumentException("a gang is 1, 2 or 4 slots, not " + turboRanks);
        }
        this.relaxPromoteAfterMillis = relaxPromoteAfter.toMillis();
        this.turboRanks = turboRanks;
    }

    /** Which waiting jobs go to which free slots now. */
    public List<Assignment> decide(SchedulingSnapshot snapshot) {
        Map<String, Deque<FreeSlot>> free = new HashMap<>();
        for (FreeSlot slot : snapshot.freeSlots()) {
            free.computeIfAbsent(slot.version(), v -> new ArrayDeque<>()).add(slot);
        }
        Map<String, int[]> running = runningCounts(snapshot);
        Map<String, List<WaitingJob>> byVersion = byVersion(snapshot.waiting());
        List<Assignment> assignments = new ArrayList<>();
        for (Map.Entry<String, Deque<FreeSlot>> slots : free.entrySet()) {
            List<WaitingJob> jobs = byVersion.get(slots.getKey());
            if (jobs == null) {
                continue;
            }
            FairQueue queue = new FairQueue(jobs, snapshot, running, relaxPromoteAfterMillis, true);
            while (!slots.getValue().isEmpty()) {
                WaitingJob next = queue.next();
                if (next == null) {
                    break;
                }
                // a re-queued job runs on one slot: the gang that lost it may have a rank that stopped answering but is
                // still free and live, and forming it again would lose the job again
                List<FreeSlot> gang = next.lane() == Lane.TURBO && turboRanks > 1 && !next.requeued()
                        ? notAvoided(slots.getValue(), next, turboRanks) : List.of();
                if (gang.size() == turboRanks) {
                    slots.getValue().removeAll(gang);
                    assignments.add(new Assignment(next, gang.get(0).name(), gang.stream().map(FreeSlot::name).toList()));
                    continue;
                }
                FreeSlot slot = firstNotAvoided(slots.getValue(), next);
                if (slot != null) {
                    slots.getValue().remove(slot);
                    assignments.add(new Assignment(next, slot.name()));
                }
            }
        }
        return assignments;
    }

    /**
     * The order the jobs of one model version would start in if slots freed one by one and nothing else
     * arrived: a job's position in its queue. Users at their running limit come after everyone else.
     */
    public List<WaitingJob> order(SchedulingSnapshot snapshot, String version) {
        List<WaitingJob> jobs = byVersion(snapshot.waiting()).getOrDefault(version, List.of());
        Map<String, int[]> running = runningCounts(snapshot);
        List<WaitingJob> ordered = new ArrayList<>(jobs.size());
        FairQueue capped = new FairQueue(jobs, snapshot, running, relaxPromoteAfterMillis, true);
        for (WaitingJob job = capped.next(); job != null; job = capped.next()) {
            ordered.add(job);
        }
        if (ordered.size() < jobs.size()) {
            List<WaitingJob> rest = new ArrayList<>(jobs);
            rest.removeAll(new java.util.HashSet<>(ordered));
            FairQueue uncapped = new FairQueue(rest, snapshot, running, relaxPromoteAfterMillis, false);
            for (WaitingJob job = uncapped.next(); job != null; job = uncapped.next()) {
                ordered.add(job);
            }
        }
        return ordered;
    }

    private static List<FreeSlot> notAvoided(Deque<FreeSlot> slots, WaitingJob job, int limit) {
        List<FreeSlot> found = new ArrayList<>(limit);
        for (FreeSlot slot : slots) {
            if (found.size() < limit && !job.avoidSlots().contains(slot.name())) {
                found.add(slot);
            }
        }
        return found;
    }

    private static FreeSlot firstNotAvoided(Deque<FreeSlot> slots, WaitingJob job) {
        for (FreeSlot slot : slots) {
            if (!job.avoidSlots().contains(slot.name())) {
                return slot;
            }
        }
        return null;
    }

    private static Map<String, int[]> runningCounts(SchedulingSnapshot snapshot) {
        Map<String, int[]> running = new HashMap<>();
        snapshot.users().forEach((user, load) -> running.put(user, new int[] {load.running()}));
        return running;
    }

    private static Map<String, List<WaitingJob>> byVersion(List<WaitingJob> waiting) {
        Map<String, List<WaitingJob>> byVersion = new HashMap<>();
        for (WaitingJob job : waiting) {
            byVersion.computeIfAbsent(job.version(), v -> new ArrayList<>()).add(job);
        }
        return byVersion;
    }

    /** The band a job competes in now: aged Relax jobs compete with Fast. */
    static int band(WaitingJob job, long nowMillis, long relaxPromoteAfterMillis) {
        if (job.lane() == Lane.RELAX && nowMillis - job.submittedAtMillis() >= relaxPromoteAfterMillis) {
            return Lane.FAST.ordinal();
        }
        return job.lane().ordinal();
    }
}
