package dev.imagine.core.zk;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, standalone ZooKeeper server running in this JVM (the embedded default of {@code imagine up}
 * and of the tests). Data and logs persist under {@code dataDir}, so jobs survive a restart.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    private final Path dataDir;
    private final int port;
    private final StoppableServer server = new StoppableServer();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread thread;

    /** @param port 0 picks a free port */
    public EmbeddedZooKeeper(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? freePort() : port;
    }

    public EmbeddedZooKeeper start() throws IOException {
        Files.createDirectories(dataDir);
        Properties props = new Properties();
        props.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        props.setProperty("clientPortAddress", "127.0.0.1");
        props.setProperty("clientPort", Integer.toString(port));
        // A short tick lets workers use short sessions (min session = 2 ticks), so a dead worker's lease
        // vanishes in seconds, not the default 4-40 s.
        props.setProperty("tickTime", "500");
        // ... and lets an operator choose long ones too (the default maximum is 20 ticks, 10 s).
        props.setProperty("maxSessionTimeout", "120000");
        props.setProperty("maxClientCnxns", "0");
        props.setProperty("admin.enableServer", "false");
        props.setProperty("autopurge.purgeInterval", "1");
        QuorumPeerConfig quorumConfig = new QuorumPeerConfig();
        try {
            quorumConfig.parseProperties(props);
        } catch (QuorumPeerConfig.ConfigException e) {
            throw new IOException("bad embedded ZooKeeper config: " + e.getMessage(), e);
        }
        ServerConfig config = new ServerConfig();
        config.readFrom(quorumConfig);
        thread = new Thread(() -> {
            try {
                server.runFromConfig(config);
            } catch (Throwable t) {
                failure.set(t);
                LOG.error("Embedded ZooKeeper on port {} stopped with an error", port, t);
            }
        }, "embedded-zookeeper");
        thread.setDaemon(true);
        thread.start();
        awaitListening();
        LOG.info("ZooKeeper started on {} (data under {})", connectString(), dataDir);
        return this;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (failure.get() != null) {
                throw new IOException("embedded ZooKeeper failed to start", failure.get());
            }
            try (var socket = new java.net.Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IOException("embedded ZooKeeper did not listen on port " + port + " within 30 s");
    }

    @Override
    public void close() {
        server.stop();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("ZooKeeper on port {} stopped", port);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for ZooKeeper", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** ZooKeeperServerMain keeps shutdown() protected; this opens it. */
    private static final class StoppableServer extends ZooKeeperServerMain {
        void stop() {
            shutdown();
        }
    }
}
