package dev.imagine.api.core;

import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work that one API process does for all (an outbox's deliveries): a Curator {@link LeaderLatch} at {@code latchPath},
 * and a pass every {@code everyMillis} while this process holds it. A pass that throws is logged and tried again at
 * the next tick; its writes are versioned, so a leader change in the middle of one is safe.
 */
public final class LeaderLoop implements Managed {
    /** One pass; {@code stillLeader} says whether to go on with the next item. */
    public interface Pass {
        void run(java.util.function.BooleanSupplier stillLeader) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LeaderLoop.class);

    private final ZooKeeperConnection zk;
    private final String latchPath;
    private final String name;
    private final long everyMillis;
    private final Pass pass;
    private LeaderLatch latch;
    private ScheduledExecutorService loop;

    public LeaderLoop(ZooKeeperConnection zk, String latchPath, String name, long everyMillis, Pass pass) {
        this.zk = zk;
        this.latchPath = latchPath;
        this.name = name;
        this.everyMillis = everyMillis;
        this.pass = pass;
    }

    @Override
    public void start() throws Exception {
        latch = new LeaderLatch(zk.client(), latchPath, name);
        latch.start();
        loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name(latchPath.substring(latchPath.lastIndexOf('/') + 1)).factory());
        loop.scheduleWithFixedDelay(this::tick, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws Exception {
        if (loop != null) {
            loop.shutdownNow();
            loop.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (latch != null) {
            latch.close();
        }
    }

    private void tick() {
        try {
            if (latch.hasLeadership()) {
                pass.run(latch::hasLeadership);
            }
        } catch (Exception e) {
            LOG.warn("{} pass failed, retrying: {}", latchPath, e.toString());
        }
    }
}
