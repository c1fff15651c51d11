package dev.imagine.ops.cli.support;

import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.ops.cli.CliException;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * One command's connections to a running cluster: the job store (Curator) and Helix ({@link SlotAdmin},
 * {@link ClusterSetup}). Opening fails fast, in one line, when ZooKeeper or the cluster is not there, and waits
 * (up to {@link #STARTING_WAIT}) while the cluster is still starting: a command run as soon as {@code up} answered
 * must not read a queue layout the controller is still writing.
 */
public final class ClusterAccess implements AutoCloseable {
    static final Duration STARTING_WAIT = Duration.ofSeconds(30);

    private final ZkOptions options;
    private final CuratorFramework zk;
    private final SlotAdmin slots;
    private ClusterSetup setup;

    private ClusterAccess(ZkOptions options, CuratorFramework zk, SlotAdmin slots) {
        this.options = options;
        this.zk = zk;
        this.slots = slots;
    }

    public static ClusterAccess open(ZkOptions options) {
        CuratorFramework zk;
        try {
            zk = ZkClients.connect(options.zk, Duration.ofSeconds(10), Duration.ofSeconds(5));
        } catch (IllegalStateException e) {
            throw new CliException("Couldn't reach ZooKeeper at " + options.zk + "; is `ops/imagine up` running, or is --zk right?", 3);
        }
        SlotAdmin slots = new SlotAdmin(options.zk, options.cluster);
        if (!slots.clusterExists()) {
            slots.close();
            zk.close();
            throw new CliException("ZooKeeper at " + options.zk + " has no imagine cluster '" + options.cluster
                    + "'; start one with `ops/imagine up`, or pass --cluster", 3);
        }
        try {
            awaitLayout(options, zk);
        } catch (RuntimeException e) {
            slots.close();
            zk.close();
            throw e;
        }
        return new ClusterAccess(options, zk, slots);
    }

    private static void awaitLayout(ZkOptions options, CuratorFramework zk) {
        long deadline = System.nanoTime() + STARTING_WAIT.toNanos();
        try {
            while (!new JobStore(zk).layoutReady()) {
                if (System.nanoTime() > deadline) {
                    throw new CliException("the imagine cluster '" + options.cluster + "' at " + options.zk
                            + " has no job queues after " + STARTING_WAIT.toSeconds() + " s; is its controller running?", 3);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while the cluster was starting", 3);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("ZooKeeper at " + options.zk + " did not answer (" + e.getMessage() + "); run the command again", 3);
        }
    }

    public String zkAddress() {
        return options.zk;
    }

    public String cluster() {
        return options.cluster;
    }

    public CuratorFramework zk() {
        return zk;
    }

    public JobStore store() {
        return new JobStore(zk);
    }

    public SlotAdmin slots() {
        return slots;
    }

    public ClusterSetup setup() {
        if (setup == null) {
            setup = new ClusterSetup(options.zk, options.cluster);
        }
        return setup;
    }

    @Override
    public void close() {
        if (setup != null) {
            setup.close();
        }
        slots.close();
        zk.close();
    }
}
