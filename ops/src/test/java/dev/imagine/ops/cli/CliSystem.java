package dev.imagine.ops.cli;

import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One running system (TINY preset, one in-process participant with one slot) shared by the CLI tests of
 * this JVM, started on first use and stopped when the JVM exits. Tests that change it put it back.
 */
final class CliSystem {
    private static LocalCluster cluster;

    private CliSystem() {
    }

    static synchronized LocalCluster get() throws Exception {
        if (cluster == null) {
            Path var = Files.createTempDirectory("imagine-cli-test");
            cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 1, 1, ModelPreset.TINY, "v8",
                    Duration.ofSeconds(3))).start();
            cluster.awaitReady(1, Duration.ofSeconds(60));
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        }
        return cluster;
    }

    /** Waits until the ExternalView shows {@code slot} in {@code state} (a Helix change took effect). */
    static void awaitSlotState(String slot, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (get().controller().slots().stream().noneMatch(s -> s.name().equals(slot) && s.state().equals(state))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("slot " + slot + " never reached " + state + ": " + get().controller().slots());
            }
            Thread.sleep(50);
        }
    }

    static String zk() {
        try {
            return get().zkAddress();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
