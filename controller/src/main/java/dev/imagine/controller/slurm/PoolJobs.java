package dev.imagine.controller.slurm;

import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmJob;
import java.util.Comparator;
import java.util.List;

/** Our Slurm jobs of one pool. */
final class PoolJobs {
    private PoolJobs() {
    }

    /** Pending or running jobs named for this cluster and pool, oldest first. */
    static List<SlurmJob> active(SlurmClient slurm, String cluster, String pool) {
        String name = SlurmNaming.jobName(cluster, pool);
        return slurm.jobs().stream()
                .filter(j -> name.equals(j.name()) && j.state().isActive())
                .sorted(Comparator.comparingLong(SlurmJob::id))
                .toList();
    }
}
