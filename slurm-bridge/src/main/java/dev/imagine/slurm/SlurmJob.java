package dev.imagine.slurm;

/**
 * A Slurm job as slurmctld reports it.
 *
 * @param nodes        the nodes it runs on (Slurm's hostlist expression), empty while pending
 * @param endTimeEpoch actual or expected end, in epoch seconds (0 if none)
 */
public record SlurmJob(long id, String name, String partition, SlurmJobState state, String reason, String nodes,
                       long startTimeEpoch, long endTimeEpoch) {
}
