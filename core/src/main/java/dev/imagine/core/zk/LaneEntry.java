package dev.imagine.core.zk;

import dev.imagine.core.job.Lane;
import java.util.Comparator;

/**
 * One queue entry, named {@code <prefix><jobId>~<modelVersion>-<sequence>}: the job id and its model
 * version are in the name, so the dispatcher orders a lane and skips the jobs no free slot can take
 * with one getChildren, reading a job record only for a job it is about to hand out.
 */
public record LaneEntry(Lane lane, String name, String jobId, String modelVersion, boolean requeued, long sequence) {

    private static final char VERSION_MARK = '~';

    /** Re-queued entries first (front of the lane), then by ZooKeeper's sequence number. */
    public static final Comparator<LaneEntry> DISPATCH_ORDER = Comparator
            .comparing((LaneEntry e) -> !e.requeued())
            .thenComparingLong(LaneEntry::sequence);

    public static LaneEntry parse(Lane lane, String name) {
        boolean requeued = name.startsWith(ZkPaths.REQUEUED_ENTRY);
        int dash = name.lastIndexOf('-');
        int mark = name.lastIndexOf(VERSION_MARK, dash);
        String jobId = name.substring(2, mark < 0 ? dash : mark);
        String version = mark < 0 ? null : name.substring(mark + 1, dash);
        return new LaneEntry(lane, name, jobId, version, requeued, Long.parseLong(name.substring(dash + 1)));
    }

    public static String prefix(String jobId, String modelVersion, boolean requeued) {
        if (modelVersion.indexOf('-') >= 0 || modelVersion.indexOf(VERSION_MARK) >= 0) {
            throw new IllegalArgumentException("model version '" + modelVersion + "' may not contain '-' or '~'");
        }
        return (requeued ? ZkPaths.REQUEUED_ENTRY : ZkPaths.NEW_ENTRY) + jobId + VERSION_MARK + modelVersion + "-";
    }

    public String path() {
        return ZkPaths.laneEntry(lane, name);
    }
}
