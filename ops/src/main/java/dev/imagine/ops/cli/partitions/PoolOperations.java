package dev.imagine.ops.cli.partitions;

import dev.imagine.controller.slurm.ParticipantLaunch;
import dev.imagine.controller.slurm.PoolDrainer;
import dev.imagine.controller.slurm.PoolScaler;
import dev.imagine.controller.slurm.SlotEviction;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.slurm.SlurmClient;
import java.time.Clock;

/** The pool operations over one command's connections. */
final class PoolOperations {
    private PoolOperations() {
    }

    static PoolDrainer drainer(SlurmClient slurm, ClusterAccess cluster) {
        return new PoolDrainer(slurm, cluster.slots(), cluster.store(),
                new SlotEviction(cluster.slots(), cluster.store(), Clock.systemUTC()));
    }

    static PoolScaler scaler(SlurmClient slurm, ClusterAccess cluster, ParticipantLaunch launch) {
        return new PoolScaler(slurm, cluster.slots(), launch, drainer(slurm, cluster));
    }
}
