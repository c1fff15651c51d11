package dev.imagine.core.zk;

import dev.imagine.core.job.JobIds;
import dev.imagine.core.job.Lane;
import java.util.Comparator;

/**
 * One queue entry, named {@code <prefix><jobId>~<modelVersion>~<user>-<sequence>}: the job id, its model
 * version and its user are in the name, so the dispatcher orders a lane fairly and skips the jobs no free
 * slot can take with one getChildren, reading a job record only for a job it is about to hand out.
 * Entries written before users existed ({@code <jobId>~<version>-<seq>}) still parse, with a null user.
 */
public record LaneEntry(Lane lane, String name, String jobId, String modelVersion, String user, boolean requeued,
                        long sequence) {

    private static final char MARK = '~';

    /**
     * Re-queued entries first (front of the lane), then by submission time (from the id), then by sequence number
     * (ZooKeeper's, within the entry's bucket) and id.
     */
    public static final Comparator<LaneEntry> DISPATCH_ORDER = Comparator
            .comparing((LaneEntry e) -> !e.requeued())
            .thenComparingLong(LaneEntry::submittedAtMillis)
            .thenComparingLong(LaneEntry::sequence)
            .thenComparing(LaneEntry::jobId);

    /** Parses an entry's name; a name of another shape is an {@link IllegalArgumentException}. */
    public static LaneEntry parse(Lane lane, String name) {
        boolean requeued = name.startsWith(ZkPaths.REQUEUED_ENTRY);
        if (!requeued && !name.startsWith(ZkPaths.NEW_ENTRY)) {
            throw new IllegalArgumentException("lane entry '" + name + "' starts with neither n- nor r-");
        }
        int dash = name.lastIndexOf('-');
        String[] parts = name.substring(2, Math.max(2, dash)).split(String.valueOf(MARK), -1);
        if (dash < 2 || parts[0].isEmpty() || parts.length > 3) {
            throw new IllegalArgumentException("lane entry '" + name + "' is not <id>~<version>~<user>-<seq>");
        }
        try {
            return new LaneEntry(lane, name, parts[0], parts.length > 1 ? parts[1] : null,
                    parts.length > 2 ? parts[2] : null, requeued, Long.parseLong(name.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lane entry '" + name + "' has no sequence number", e);
        }
    }

    public static String prefix(String jobId, String modelVersion, String user, boolean requeued) {
        if (modelVersion.indexOf('-') >= 0 || modelVersion.indexOf(MARK) >= 0) {
            throw new IllegalArgumentException("model version '" + modelVersion + "' may not contain '-' or '~'");
        }
        if (user.indexOf(MARK) >= 0 || user.indexOf('/') >= 0) {
            throw new IllegalArgumentException("user '" + user + "' may not contain '~' or '/'");
        }
        return (requeued ? ZkPaths.REQUEUED_ENTRY : ZkPaths.NEW_ENTRY) + jobId + MARK + modelVersion + MARK + user + "-";
    }

    /** When the job was first submitted, from its id (its base-36 millisecond prefix); 0 if the id has none. */
    public long submittedAtMillis() {
        return JobIds.millisOf(jobId);
    }

    public String path() {
        return ZkPaths.laneEntry(lane, jobId, name);
    }
}
