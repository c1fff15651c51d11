package dev.imagine.ops.cli.partitions;

import dev.imagine.controller.slurm.PoolDrainer.DrainResult;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.SlurmOptions;
import dev.imagine.ops.cli.support.ZkOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imagine partitions drain <pool>}: no new work, running jobs finish, then the Slurm jobs are cancelled. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Disable the pool's slots, let running jobs finish (bounded), cancel its Slurm jobs.")
public final class PartitionsDrainCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    SlurmOptions slurmOptions;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<pool>")
    String pool;

    @Option(names = "--timeout", defaultValue = "PT60S",
            description = "Longest wait for running jobs; later ones are re-queued (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        DrainResult result;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            result = PoolOperations.drainer(slurmOptions.client(), cluster).drain(pool, timeout, output::progress);
        }
        if (output.json) {
            output.printJson(result);
        } else {
            output.out().printf("Drained pool %s in %.1f s: cancelled Slurm jobs %s, %d participant(s) left Helix, %d job(s) re-queued%n",
                    pool, result.millis() / 1000.0, result.cancelled(),
                    result.participants().size() - result.stillRegistered().size(), result.requeued());
        }
        return 0;
    }
}
