package dev.imagine.ops.cli.cluster;

import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.SlotRows;
import dev.imagine.ops.cli.support.SlotRows.SlotRow;
import dev.imagine.ops.cli.support.Table;
import dev.imagine.ops.cli.support.ZkOptions;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code imagine cluster status}: ZooKeeper, leaders, pools, slots and their health, queue depth per lane. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "ZooKeeper, controller leader, pools, slots (state, model version, health), queue depth per lane.")
public final class ClusterStatusCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    public record PoolSummary(String pool, int slots, long ready) {
    }

    public record Status(String zookeeper, String cluster, String controllerLeader, String dispatcherLeader,
                         List<PoolSummary> pools, List<SlotRow> slots, Map<String, Integer> laneDepths) {
    }

    @Override
    public Integer call() throws Exception {
        Status status;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            JobStore store = cluster.store();
            List<SlotRow> slots = SlotRows.read(cluster.slots(), store);
            Map<String, PoolSummary> pools = new TreeMap<>();
            for (String pool : cluster.slots().pools()) {
                List<SlotRow> of = slots.stream().filter(s -> s.pool().equals(pool)).toList();
                pools.put(pool, new PoolSummary(pool, of.size(), of.stream().filter(s -> s.health().equals("ready")).count()));
            }
            Map<String, Integer> lanes = new LinkedHashMap<>();
            for (Lane lane : Lane.values()) {
                lanes.put(lane.pathName(), store.laneDepth(lane));
            }
            status = new Status(cluster.zkAddress(), cluster.cluster(), cluster.slots().controllerLeader().orElse(null),
                    dispatcherLeader(cluster), List.copyOf(pools.values()), slots, lanes);
        }
        if (output.json) {
            output.printJson(status);
            return 0;
        }
        PrintWriter out = output.out();
        out.printf("ZooKeeper   %s (connected)%n", status.zookeeper());
        out.printf("Helix       cluster %s, controller leader %s%n", status.cluster(), orNone(status.controllerLeader()));
        out.printf("Dispatcher  leader %s%n", orNone(status.dispatcherLeader()));
        out.println("Pools");
        Table pools = new Table("POOL", "SLOTS", "READY");
        status.pools().forEach(p -> pools.row(p.pool(), p.slots(), p.ready()));
        pools.print(out, "  ");
        out.println("Slots");
        Table slots = new Table("SLOT", "INSTANCE", "STATE", "TARGET", "HEALTH", "JOB");
        status.slots().forEach(s -> slots.row(s.slot(), s.instance(), s.state(), s.target(), s.health(), s.job()));
        slots.print(out, "  ");
        out.println("Queue");
        Table lanes = new Table("LANE", "DEPTH");
        status.laneDepths().forEach(lanes::row);
        lanes.print(out, "  ");
        return 0;
    }

    /** Reads the LeaderLatch's participants without joining the election. */
    private static String dispatcherLeader(ClusterAccess cluster) {
        try {
            String id = new LeaderLatch(cluster.zk(), ZkPaths.DISPATCHER_LEADER).getLeader().getId();
            return id.isEmpty() ? null : id;
        } catch (Exception noElectionYet) {
            return null;
        }
    }

    private static String orNone(String value) {
        return value == null ? "(none)" : value;
    }
}
