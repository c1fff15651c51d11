package dev.imagine.participant;

import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.CancellationToken;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of one GPU slot: watches the slot's assignment znode and runs each job assigned to it,
 * one at a time, on its own thread (the "GPU"). Jobs already assigned when it starts are picked up too.
 */
final class SlotWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotWorker.class);

    private final SlotRuntime slot;
    private final JobRunner runner;
    private final ExecutorService executor;
    private final CuratorCache assignments;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<CancellationToken> running = ConcurrentHashMap.newKeySet();

    SlotWorker(CuratorFramework zk, SlotRuntime slot, JobRunner runner) {
        this.slot = slot;
        this.runner = runner;
        this.executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("slot-" + slot.slot()).factory());
        String parent = ZkPaths.slotAssignments(slot.slot());
        this.assignments = CuratorCache.build(zk, parent);
        // Creates and changes: after a reconnect, Curator reports an assignment that was deleted and made
        // again while we were away as "changed" (its czxid differs), not "created".
        assignments.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> {
                    if (!node.getPath().equals(parent)) {
                        submit(node.getPath().substring(parent.length() + 1), node.getStat().getCzxid());
                    }
                })
                .build());
    }

    SlotWorker start() throws Exception {
        assignments.start();
        return this;
    }

    /**
     * Runs one assignment once. An assignment is identified by its znode's creation id, not the job id: a job
     * re-dispatched to this slot while its previous run is still unwinding is a new assignment and is queued.
     */
    private void submit(String jobId, long czxid) {
        String assignment = jobId + "@" + czxid;
        if (!inFlight.add(assignment)) {
            return;
        }
        executor.execute(() -> {
            CancellationToken cancel = new CancellationToken();
            running.add(cancel);
            try {
                runner.run(slot, jobId, cancel);
            } catch (Exception e) {
                LOG.warn("Job {} on slot {} stopped: {}", jobId, slot.slot(), e.toString());
            } finally {
                running.remove(cancel);
                inFlight.remove(assignment);
            }
        });
    }

    /** Stops the running job, if any: its lease is (or is about to be) gone, so its result would be dropped. */
    void cancelRunning() {
        running.forEach(CancellationToken::cancel);
    }

    @Override
    public void close() {
        assignments.close();
        cancelRunning();
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Slot {} did not stop within 10 s", slot.slot());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
