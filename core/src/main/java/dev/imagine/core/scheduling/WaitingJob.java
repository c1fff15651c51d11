package dev.imagine.core.scheduling;

import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.LaneEntry;
import java.util.Comparator;
import java.util.Set;

/**
 * A queued job as the policy sees it: only what a lane entry's name carries, so a snapshot of millions
 * of waiting jobs costs one listing and no record reads.
 *
 * @param ref               the driver's handle (the lane entry's name in ZooKeeper, an index in the simulator)
 * @param requeued          back from a lost worker: goes before fresh jobs of its user
 * @param submittedAtMillis when the user first submitted it (its age decides Relax aging)
 * @param sequence          the lane's arrival order
 * @param avoidSlots        slots it already failed on: it is retried elsewhere (empty when there is no elsewhere)
 */
public record WaitingJob(String ref, String jobId, String user, Lane lane, String version, boolean requeued,
                         long submittedAtMillis, long sequence, Set<String> avoidSlots) {

    public WaitingJob {
        avoidSlots = avoidSlots == null ? Set.of() : Set.copyOf(avoidSlots);
    }

    public WaitingJob(String ref, String jobId, String user, Lane lane, String version, boolean requeued,
                      long submittedAtMillis, long sequence) {
        this(ref, jobId, user, lane, version, requeued, submittedAtMillis, sequence, Set.of());
    }

    public WaitingJob avoiding(Set<String> slots) {
        return new WaitingJob(ref, jobId, user, lane, version, requeued, submittedAtMillis, sequence, slots);
    }

    /**
     * The waiting job a lane entry names (its version and user must be in the name). An id not made by
     * JobIds carries no time: it counts as submitted at {@code nowMillis} (it does not age).
     */
    public static WaitingJob of(LaneEntry entry, long nowMillis) {
        long submitted = entry.submittedAtMillis() > 0 ? entry.submittedAtMillis() : nowMillis;
        return new WaitingJob(entry.name(), entry.jobId(), entry.user(), entry.lane(), entry.modelVersion(),
                entry.requeued(), submitted, entry.sequence());
    }

    /** Order within one user's jobs: re-queued first, then oldest first. */
    static final Comparator<WaitingJob> USER_ORDER = Comparator
            .comparing((WaitingJob j) -> !j.requeued())
            .thenComparingLong(WaitingJob::submittedAtMillis)
            .thenComparingLong(WaitingJob::sequence)
            .thenComparing(WaitingJob::jobId);
}
