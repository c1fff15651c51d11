package dev.imagine.ops.cli.partitions;

import dev.imagine.controller.slurm.SlurmNaming;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.SlotRows;
import dev.imagine.ops.cli.support.SlotRows.SlotRow;
import dev.imagine.ops.cli.support.SlurmOptions;
import dev.imagine.ops.cli.support.Table;
import dev.imagine.ops.cli.support.ZkOptions;
import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmJob;
import dev.imagine.slurm.SlurmJobState;
import dev.imagine.slurm.SlurmPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code imagine partitions list}: each Slurm partition beside the Helix pool of the same name. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Slurm partitions joined with Helix pools: Slurm state, our Slurm jobs, Helix slots.")
public final class PartitionsListCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    SlurmOptions slurmOptions;

    @Mixin
    Output output;

    /**
     * @param slurmState null when the pool is not a Slurm partition (or no Slurm is configured)
     * @param running    our RUNNING Slurm jobs in the partition; pending likewise
     */
    public record Partition(String pool, String slurmState, String nodes, long running, long pending, int slots,
                            long ready) {
    }

    @Override
    public Integer call() throws Exception {
        Map<String, SlurmPartition> partitions = new TreeMap<>();
        List<SlurmJob> ours = new ArrayList<>();
        List<Partition> result = new ArrayList<>();
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            if (slurmOptions.isConfigured()) {
                SlurmClient slurm = slurmOptions.client();
                slurm.partitions().forEach(p -> partitions.put(p.name(), p));
                slurm.jobs().stream().filter(j -> SlurmNaming.poolOf(cluster.cluster(), j.name()).isPresent()).forEach(ours::add);
            }
            List<SlotRow> slots = SlotRows.read(cluster.slots(), cluster.store());
            TreeSet<String> pools = new TreeSet<>(partitions.keySet());
            pools.addAll(cluster.slots().pools());
            for (String pool : pools) {
                SlurmPartition partition = partitions.get(pool);
                String jobName = SlurmNaming.jobName(cluster.cluster(), pool);
                List<SlurmJob> jobs = ours.stream().filter(j -> jobName.equals(j.name())).toList();
                List<SlotRow> of = slots.stream().filter(s -> s.pool().equals(pool)).toList();
                result.add(new Partition(pool, partition == null ? null : partition.state(),
                        partition == null ? null : partition.nodes(),
                        jobs.stream().filter(j -> j.state() == SlurmJobState.RUNNING).count(),
                        jobs.stream().filter(j -> j.state() == SlurmJobState.PENDING).count(),
                        of.size(), of.stream().filter(s -> s.health().equals("ready")).count()));
            }
        }
        if (output.json) {
            output.printJson(result);
            return 0;
        }
        Table table = new Table("POOL", "SLURM", "NODES", "JOBS RUNNING", "PENDING", "SLOTS", "READY");
        result.forEach(p -> table.row(p.pool(), p.slurmState() == null ? "(not a Slurm partition)" : p.slurmState(),
                p.nodes(), p.running(), p.pending(), p.slots(), p.ready()));
        table.print(output.out(), "");
        if (!slurmOptions.isConfigured()) {
            output.out().println("(no Slurm configured: pass --slurm <url> or set IMAGINE_SLURM_URL to see partitions)");
        }
        return 0;
    }
}
