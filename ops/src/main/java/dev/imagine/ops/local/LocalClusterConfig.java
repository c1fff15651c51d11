package dev.imagine.ops.local;

import dev.imagine.kernels.ModelPreset;
import dev.imagine.slurm.SlurmEndpoint;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code imagine up} starts on one machine.
 *
 * @param zkPort       0 picks a free port
 * @param apiPort      0 picks a free port
 * @param participants in-process participants (0 when they run as their own processes); with Slurm, the
 *                     Slurm jobs started at once, each with {@code slotsPerParticipant} GPUs
 * @param slurm        null: participants run in this process; else they run as Slurm jobs there
 * @param slurmPartition the Slurm partition = the GPU pool the participants join
 */
public record LocalClusterConfig(
        Path varDir,
        int zkPort,
        String apiHost,
        int apiPort,
        int participants,
        int slotsPerParticipant,
        ModelPreset preset,
        String defaultVersion,
        Duration workerSessionTimeout,
        SlurmEndpoint slurm,
        String slurmPartition) {

    public static final String CLUSTER = "imagine-cluster";
    public static final String POOL = "cpu-local";

    public LocalClusterConfig(Path varDir, int zkPort, String apiHost, int apiPort, int participants,
                              int slotsPerParticipant, ModelPreset preset, String defaultVersion,
                              Duration workerSessionTimeout) {
        this(varDir, zkPort, apiHost, apiPort, participants, slotsPerParticipant, preset, defaultVersion,
                workerSessionTimeout, null, null);
    }

    public LocalClusterConfig withSlurm(SlurmEndpoint endpoint, String partition) {
        return new LocalClusterConfig(varDir, zkPort, apiHost, apiPort, participants, slotsPerParticipant, preset,
                defaultVersion, workerSessionTimeout, endpoint, partition);
    }

    /** Where Slurm writes the participant jobs' output. */
    public Path slurmWorkDir() {
        return varDir.resolve("slurm");
    }

    public Path zkDir() {
        return varDir.resolve("zookeeper");
    }

    /** Where {@code up} keeps the development user's API key ({@code ops/imagine submit} reads it). */
    public Path devApiKeyFile() {
        return varDir.resolve("dev-api-key");
    }

    /** The embedded PostgreSQL's data (the history). */
    public Path pgDir() {
        return varDir.resolve("pg");
    }

    public Path imageDir() {
        return varDir.resolve("images");
    }
}
