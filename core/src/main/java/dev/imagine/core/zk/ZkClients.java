package dev.imagine.core.zk;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Builds the Curator clients every process uses, all under the {@link ZkPaths#NAMESPACE} root. */
public final class ZkClients {
    /**
     * A worker's session unless configured: the time a dead node's jobs wait before they run elsewhere, and the
     * longest stop a live node survives (about two thirds of it: the client must hear from ZooKeeper within that).
     * {@code ops/imagine bench pauses} measured, with every core rendering, JVM pauses of 13 ms at most and local
     * fsynced writes of 29 ms at most (floor 3 × (13 + 29) = 126 ms); 10 s keeps a 6 s GC, swap-in or stalled disk
     * from restarting every job on the node, at the cost of 10 s before a killed node's jobs move.
     */
    public static final Duration WORKER_SESSION = Duration.ofSeconds(10);

    private ZkClients() {
    }

    /**
     * Starts a client and waits for its first connection.
     *
     * @param sessionTimeout how long ZooKeeper keeps this process's ephemeral nodes (leases) after it
     *                       stops answering: the bound on how fast a dead worker's job is re-queued
     */
    public static CuratorFramework connect(String connectString, Duration sessionTimeout) {
        return connect(connectString, sessionTimeout, Duration.ofSeconds(30));
    }

    /** @param connectWait how long to wait for the first connection (an operator's command gives up sooner) */
    public static CuratorFramework connect(String connectString, Duration sessionTimeout, Duration connectWait) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .namespace(ZkPaths.NAMESPACE)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs(5_000)
                .retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000))
                .build();
        client.start();
        try {
            if (!client.blockUntilConnected((int) connectWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                client.close();
                throw new IllegalStateException("could not reach ZooKeeper at " + connectString
                        + " within " + connectWait.toSeconds() + " s; is it running?");
            }
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to ZooKeeper", e);
        }
        return client;
    }
}
