package dev.imagine.ops.local;

import dev.imagine.kernels.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything {@code imagine up} starts on one machine.
 *
 * @param zkPort       0 picks a free port
 * @param apiPort      0 picks a free port
 * @param participants in-process participants (0 when they run as their own processes)
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
        Duration workerSessionTimeout) {

    public static final String CLUSTER = "imagine-cluster";
    public static final String POOL = "cpu-local";

    public Path zkDir() {
        return varDir.resolve("zookeeper");
    }

    public Path imageDir() {
        return varDir.resolve("images");
    }
}
