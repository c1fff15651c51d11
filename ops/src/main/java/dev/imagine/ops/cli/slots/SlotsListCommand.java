package dev.imagine.ops.cli.slots;

import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.SlotRows;
import dev.imagine.ops.cli.support.SlotRows.SlotRow;
import dev.imagine.ops.cli.support.Table;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imagine slots list}: every slot, its state and target, health, Slurm job, current job and kernel backend. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Every slot: state, target, health, Slurm job, job, kernel backend.")
public final class SlotsListCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Option(names = "--pool", description = "Only this pool.")
    String pool;

    @Override
    public Integer call() throws Exception {
        List<SlotRow> rows;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            rows = SlotRows.read(cluster.slots(), cluster.store()).stream()
                    .filter(r -> pool == null || r.pool().equals(pool)).toList();
        }
        if (output.json) {
            output.printJson(rows);
            return 0;
        }
        Table table = new Table("SLOT", "POOL", "INSTANCE", "STATE", "TARGET", "HEALTH", "SLURM JOB", "JOB", "KERNELS");
        rows.forEach(r -> table.row(r.slot(), r.pool(), r.instance(), r.state(), r.target(), r.health(), r.slurmJob(), r.job(),
                r.kernels()));
        table.print(output.out(), "");
        return 0;
    }
}
