package dev.imagine.core.zk;

import dev.imagine.core.job.Lane;
import java.util.Comparator;

/**
 * One queue entry, named {@code <prefix><jobId>-<sequence>}: the job id is in the name so the
 * dispatcher orders and reads a lane with one getChildren, without a read per entry.
 */
public record LaneEntry(Lane lane, String name, String jobId, boolean requeued, long sequence) {

    /** Re-queued entries first (front of the lane), then by ZooKeeper's sequence number. */
    public static final Comparator<LaneEntry> DISPATCH_ORDER = Comparator
            .comparing((LaneEntry e) -> !e.requeued())
            .thenComparingLong(LaneEntry::sequence);

    public static LaneEntry parse(Lane lane, String name) {
        boolean requeued = name.startsWith(ZkPaths.REQUEUED_ENTRY);
        int dash = name.lastIndexOf('-');
        String jobId = name.substring(2, dash);
        return new LaneEntry(lane, name, jobId, requeued, Long.parseLong(name.substring(dash + 1)));
    }

    public static String prefix(String jobId, boolean requeued) {
        return (requeued ? ZkPaths.REQUEUED_ENTRY : ZkPaths.NEW_ENTRY) + jobId + "-";
    }

    public String path() {
        return ZkPaths.laneEntry(lane, name);
    }
}
