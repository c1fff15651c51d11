package dev.imagine.ops.cli.partitions;

import dev.imagine.controller.slurm.ParticipantLaunch;
import dev.imagine.controller.slurm.PoolScaler.ScaleResult;
import dev.imagine.ops.cli.CliException;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.SlurmOptions;
import dev.imagine.ops.cli.support.ZkOptions;
import dev.imagine.slurm.SlurmClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imagine partitions scale <pool> --slots N}: Slurm jobs that run participants, up or down to N slots. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Scale a GPU pool (= Slurm partition) to N slots: submits or drains Slurm jobs running participants.")
public final class PartitionsScaleCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    SlurmOptions slurmOptions;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<pool>", description = "The pool, named like its Slurm partition.")
    String pool;

    @Option(names = "--slots", required = true, description = "Slots the pool should have.")
    int slots;

    @Option(names = "--slots-per-job", defaultValue = "1", description = "GPUs (= slots) per Slurm job (default ${DEFAULT-VALUE}).")
    int slotsPerJob;

    @Option(names = "--model", defaultValue = "v8", description = "Model version new slots load (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--preset", defaultValue = "small", description = "Model preset: tiny or small (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--image-dir", defaultValue = "var/images", description = "Shared image store (default ${DEFAULT-VALUE}).")
    Path imageDir;

    @Option(names = "--work-dir", defaultValue = "var/slurm", description = "Slurm job output (default ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--wait", defaultValue = "PT2M", description = "Wait this long for the slots to be ready; PT0S: don't (default ${DEFAULT-VALUE}).")
    Duration wait;

    @Override
    public Integer call() throws Exception {
        if (slots < 0 || slotsPerJob < 1) {
            throw new CliException("--slots must be 0 or more and --slots-per-job at least 1", 2);
        }
        SlurmClient slurm = slurmOptions.client();
        ScaleResult result;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            ParticipantLaunch launch = ParticipantLaunch.likeThisJvm(cluster.zkAddress(), cluster.cluster(), model,
                    preset, imageDir, workDir, slotsPerJob);
            result = PoolOperations.scaler(slurm, cluster, launch).scale(pool, slots, wait, output::progress);
        }
        if (output.json) {
            output.printJson(result);
        } else {
            output.out().printf("Scaled pool %s to %d slot(s): submitted Slurm jobs %s, released %s; %d slot(s) ready after %.1f s%n",
                    pool, slots, result.submitted(), result.released(), result.ready(), result.millis() / 1000.0);
        }
        return 0;
    }
}
