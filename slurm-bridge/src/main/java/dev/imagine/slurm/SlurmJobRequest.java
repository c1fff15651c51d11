package dev.imagine.slurm;

import java.nio.file.Path;
import java.util.Map;

/**
 * One batch job to submit.
 *
 * @param name        the job name; ours are {@code imagine.<cluster>.<pool>} so they can be told apart
 * @param gres        generic resources per node, e.g. {@code gpu:1}; null for none
 * @param environment the job's whole environment (slurmrestd does not pass the caller's)
 * @param workDir     working directory; {@code slurm-%j.out} is written there
 */
public record SlurmJobRequest(
        String name,
        String partition,
        String script,
        Map<String, String> environment,
        String gres,
        int cpus,
        long memoryMb,
        Path workDir,
        String comment) {

    public SlurmJobRequest {
        environment = Map.copyOf(environment);
    }
}
