package dev.imagine.slurm;

import java.util.List;
import java.util.Optional;

/**
 * What imagine needs from a Slurm cluster, independent of the slurmrestd API version: another
 * version of the REST spec is another implementation of this interface, not a rewrite of its callers.
 * Every method throws a {@link SlurmException} subclass phrased for an operator.
 */
public interface SlurmClient {

    /** The controller answers; returns its Slurm release, e.g. "22.05.8". */
    String ping();

    /** Submits a batch job; returns its Slurm job id. */
    long submit(SlurmJobRequest request);

    /** The job, or empty once Slurm no longer knows it (never submitted, or purged after MinJobAge). */
    Optional<SlurmJob> job(long jobId);

    /** Every job slurmctld still remembers, finished ones included (until MinJobAge). */
    List<SlurmJob> jobs();

    /** Cancels the job (SIGTERM, then SIGKILL after KillWait); a job that already ended is not an error. */
    void cancel(long jobId);

    List<SlurmNode> nodes();

    List<SlurmPartition> partitions();

    /** Where this client talks to, for messages (never includes the token). */
    String endpoint();
}
