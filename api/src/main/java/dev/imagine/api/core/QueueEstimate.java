package dev.imagine.api.core;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.Lane;
import dev.imagine.core.model.ModelNeeds;
import dev.imagine.core.scheduling.DispatchPolicy;
import dev.imagine.core.scheduling.SchedulingSnapshot;
import dev.imagine.core.scheduling.UserLoadSource;
import dev.imagine.core.scheduling.WaitingJob;
import dev.imagine.core.zk.LaneEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A waiting job's position and estimated start, from the same {@link DispatchPolicy} the dispatcher runs:
 * the order its model version's jobs would start in, and the slots holding that version turning over at
 * the version's typical job time.
 */
public final class QueueEstimate {
    /**
     * @param position     jobs of the same model version that start before it, any lane (0: next)
     * @param lanePosition those of them in its own lane
     */
    public record Estimate(int position, int lanePosition, long estimatedStartMillis) {
    }

    private final DispatchPolicy policy;
    private final UserLoadSource users;
    private final LanesCache lanes;
    private final ClusterView cluster;
    private final Clock clock;

    public QueueEstimate(DispatchPolicy policy, UserLoadSource users, LanesCache lanes, ClusterView cluster,
                         Clock clock) {
        this.policy = policy;
        this.users = users;
        this.lanes = lanes;
        this.cluster = cluster;
        this.clock = clock;
    }

    public Estimate of(JobRecord job) throws Exception {
        long now = clock.millis();
        List<WaitingJob> waiting = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Lane lane : Lane.values()) {
            for (LaneEntry entry : lanes.entries(lane)) {
                if (job.spec().modelVersion().equals(entry.modelVersion()) && entry.user() != null) {
                    waiting.add(WaitingJob.of(entry, now));
                    names.add(entry.user());
                }
            }
        }
        List<WaitingJob> order = policy.order(new SchedulingSnapshot(now, waiting, users.of(names), List.of()),
                job.spec().modelVersion());
        int position = 0;
        int lanePosition = 0;
        while (position < order.size() && !order.get(position).jobId().equals(job.id())) {
            if (order.get(position).lane() == job.spec().lane()) {
                lanePosition++;
            }
            position++;
        }
        int slots = Math.max(1, cluster.slotsHolding(job.spec().modelVersion()));
        long perJob = ModelNeeds.of(job.spec().modelVersion()).gpuMillisPerJob();
        long rounds = position / slots + 1;
        return new Estimate(position, lanePosition, now + rounds * perJob);
    }
}
