package dev.imagine.history;

import dev.imagine.core.zk.ZkPaths;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Archiver} in the one process that holds the archiver latch ({@link ZkPaths#ARCHIVER_LEADER}): every API
 * process starts one, and another takes over when the holder dies. Two archivers at once (a latch handed over while
 * the old holder still finishes a pass) would only write the same rows twice.
 */
public final class ArchiverLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiverLoop.class);
    private static final int USER_MIRROR_EVERY_PASSES = 10;

    private final Archiver archiver;
    private final LeaderLatch latch;
    private final Duration every;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "archiver");
        thread.setDaemon(true);
        return thread;
    });
    private boolean marked;
    private long passes;

    public ArchiverLoop(CuratorFramework zk, Archiver archiver, Duration every, String processId) {
        this.archiver = archiver;
        this.latch = new LeaderLatch(zk, ZkPaths.ARCHIVER_LEADER, processId);
        this.every = every;
    }

    public void start() throws Exception {
        latch.start();
        timer.scheduleWithFixedDelay(this::tick, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (!latch.hasLeadership()) {
            marked = false;
            return;
        }
        try {
            if (!marked) {
                int made = archiver.markUnmarked();
                if (made > 0) {
                    LOG.info("Marked {} finished jobs from before the archiver for hand-over", made);
                }
                marked = true;
            }
            if (passes++ % USER_MIRROR_EVERY_PASSES == 0) {
                archiver.mirrorUsers();
            }
            Archiver.Pass pass = archiver.pass();
            if (pass.archived() > 0) {
                LOG.debug("Archived {} jobs; {} finished jobs wait out their retention", pass.archived(), pass.waiting());
            }
        } catch (Exception e) {
            // ZooKeeper or PostgreSQL away for a moment: nothing was removed that is not in the history; try next tick
            LOG.warn("Archiver pass failed: {}", e.toString());
        }
    }

    public boolean isLeader() {
        return latch.hasLeadership();
    }

    @Override
    public void close() throws Exception {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        latch.close();
    }
}
