package dev.imagine.participant;

import dev.imagine.kernels.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How one participant joins the cluster.
 *
 * @param slots          GPU slots this participant owns (here: CPU executors, one job each at a time)
 * @param defaultVersion the model version a new slot loads first
 * @param sessionTimeout ZooKeeper session of the worker's leases: how long a dead worker's jobs stay
 *                       claimed before they are re-queued
 * @param attributes     recorded in the Helix instance config, e.g. the Slurm job hosting this participant
 */
public record ParticipantConfig(
        String zkAddress,
        String cluster,
        String instance,
        String pool,
        int slots,
        String defaultVersion,
        ModelPreset preset,
        Path imageDir,
        Duration sessionTimeout,
        Map<String, String> attributes) {

    public ParticipantConfig {
        if (slots < 1) {
            throw new IllegalArgumentException("a participant needs at least one slot, got " + slots);
        }
        attributes = Map.copyOf(attributes);
    }

    public ParticipantConfig(String zkAddress, String cluster, String instance, String pool, int slots,
                             String defaultVersion, ModelPreset preset, Path imageDir, Duration sessionTimeout) {
        this(zkAddress, cluster, instance, pool, slots, defaultVersion, preset, imageDir, sessionTimeout, Map.of());
    }
}
