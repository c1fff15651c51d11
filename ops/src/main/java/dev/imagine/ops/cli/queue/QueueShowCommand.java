package dev.imagine.ops.cli.queue;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.Versioned;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.Table;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imagine queue show}: each lane's depth and its first entries in dispatch order. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Lanes in dispatch order (turbo, fast, relax): depth and the first entries.")
public final class QueueShowCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Option(names = "--limit", defaultValue = "10", description = "Entries shown per lane (default ${DEFAULT-VALUE}).")
    int limit;

    public record Entry(String job, String model, boolean requeued, long waitingMillis, String user) {
    }

    public record LaneView(String lane, int depth, List<Entry> first) {
    }

    @Override
    public Integer call() throws Exception {
        List<LaneView> lanes = new ArrayList<>();
        long now = System.currentTimeMillis();
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            JobStore store = cluster.store();
            for (Lane lane : Lane.values()) {
                List<LaneEntry> entries = store.laneEntries(lane);
                List<Entry> first = new ArrayList<>();
                for (LaneEntry entry : entries.subList(0, Math.min(limit, entries.size()))) {
                    Optional<JobRecord> job = store.get(entry.jobId()).map(Versioned::value);
                    first.add(new Entry(entry.jobId(), job.map(j -> j.spec().modelVersion()).orElse(null), entry.requeued(),
                            job.map(j -> now - j.queuedAtMillis()).orElse(0L), job.map(JobRecord::user).orElse(null)));
                }
                lanes.add(new LaneView(lane.pathName(), entries.size(), first));
            }
        }
        if (output.json) {
            output.printJson(lanes);
            return 0;
        }
        for (LaneView lane : lanes) {
            output.out().printf("%s: %d queued%n", lane.lane(), lane.depth());
            if (!lane.first().isEmpty()) {
                Table table = new Table("JOB", "MODEL", "WAITING", "USER", "");
                lane.first().forEach(e -> table.row(e.job(), e.model(), String.format("%.1f s", e.waitingMillis() / 1000.0),
                        e.user(), e.requeued() ? "re-queued (front)" : ""));
                table.print(output.out(), "  ");
            }
        }
        return 0;
    }
}
