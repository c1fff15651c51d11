package dev.imagine.participant.gang;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.parallel.GangException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * How the ranks of a gang find each other: each participant publishes its tensor endpoint for each of its slots as
 * an ephemeral znode (re-created by Curator after a session loss, gone when the participant is), and a rank builds
 * its {@link NettyExchange} from the endpoints of the job's gang slots. A slot with no endpoint is a rank already
 * lost: the run fails at once instead of waiting for a timeout.
 */
public final class GangPeers implements AutoCloseable {
    /** How long a rank waits for a peer's frame before the gang gives up ({@code -Dimagine.gang.timeoutMillis}). */
    public static final Duration TIMEOUT = Duration.ofMillis(Long.getLong("imagine.gang.timeoutMillis", 30_000));

    private final CuratorFramework zk;
    private final GangServer server;
    private final List<PersistentNode> published = new ArrayList<>();

    public GangPeers(CuratorFramework zk, GangServer server) {
        this.zk = zk;
        this.server = server;
    }

    public GangServer server() {
        return server;
    }

    /** Publishes this participant's endpoint for {@code slot}. */
    public void publish(String slot) {
        PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ZkPaths.gangEndpoint(slot),
                server.endpoint().getBytes(StandardCharsets.UTF_8));
        node.start();
        published.add(node);
    }

    /** Rank {@code rank}'s end of the job's current attempt; the caller closes it when the run ends. */
    public NettyExchange exchange(JobRecord job, int rank) throws Exception {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String slot : job.gang()) {
            peers.add(endpoint(slot));
        }
        return new NettyExchange(server, job.id(), job.attempts(), rank, peers, TIMEOUT);
    }

    private InetSocketAddress endpoint(String slot) throws Exception {
        byte[] data;
        try {
            data = zk.getData().forPath(ZkPaths.gangEndpoint(slot));
        } catch (KeeperException.NoNodeException gone) {
            throw new GangException("slot " + slot + " of the gang has no tensor endpoint: its participant is gone");
        }
        String text = new String(data, StandardCharsets.UTF_8);
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }

    @Override
    public void close() {
        for (PersistentNode node : published) {
            try {
                node.close();
            } catch (java.io.IOException | RuntimeException e) {
                // the ephemeral goes with the session anyway
            }
        }
        server.close();
    }
}
