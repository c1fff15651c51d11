package dev.imagine.participant;

import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.SlotBreaker;
import dev.imagine.core.zk.SlotBreakers;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.CancellationToken;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of one GPU slot: watches the slot's assignment znode and runs each job assigned to it,
 * one at a time, on its own thread (the "GPU"). Jobs already assigned when it starts are picked up too.
 * While the slot's circuit breaker is open it runs the slot's health check every so often and reports the
 * outcome in the breaker, which is how a repaired slot comes back.
 */
final class SlotWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotWorker.class);

    private final SlotRuntime slot;
    private final JobRunner runner;
    private final ExecutorService executor;
    private final CuratorCache assignments;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<CancellationToken> running = ConcurrentHashMap.newKeySet();
    private final CuratorCache breaker;
    private final SlotBreakers breakers;
    private final ScheduledExecutorService health;

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
                    if (!node.getPath().equals(parent) && !node.getPath().endsWith("/" + ZkPaths.BUSY)) {
                        submit(node.getPath().substring(parent.length() + 1), node.getStat().getCzxid());
                    }
                })
                .build());
        this.breakers = new SlotBreakers(zk);
        this.health = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("health-" + slot.slot()).daemon().factory());
        this.breaker = CuratorCache.build(zk, ZkPaths.breaker(slot.slot()), CuratorCache.Options.SINGLE_NODE_CACHE);
        breaker.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> scheduleHealthCheck(node.getData()))
                .build());
    }

    SlotWorker start() throws Exception {
        assignments.start();
        breaker.start();
        return this;
    }

    /** Each change of an open breaker (its opening, a failed check) schedules the next check. */
    private void scheduleHealthCheck(byte[] data) {
        SlotBreaker open;
        try {
            open = Json.read(data, SlotBreaker.class);
        } catch (RuntimeException unreadable) {
            LOG.warn("Breaker of slot {} is unreadable: {}", slot.slot(), unreadable.toString());
            return;
        }
        if (open.lastCheckPassed()) {
            return;
        }
        long due = Math.max(open.openedAtMillis(), open.lastCheckAtMillis()) + open.checkEveryMillis();
        health.schedule(this::checkHealth, Math.max(0, due - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    private void checkHealth() {
        try {
            Optional<Versioned<SlotBreaker>> open = breakers.get(slot.slot());
            if (open.isEmpty() || open.get().value().lastCheckPassed()) {
                return;
            }
            SlotHealthCheck.Outcome outcome = SlotHealthCheck.run(slot, 1_000);
            LOG.info("Health check of slot {}: {} ({})", slot.slot(), outcome.passed() ? "passed" : "failed",
                    outcome.detail());
            breakers.recordCheck(open.get(), outcome.passed(), outcome.detail(), System.currentTimeMillis());
        } catch (Exception e) {
            LOG.warn("Health check of slot {} not recorded: {}", slot.slot(), e.toString());
        }
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
        breaker.close();
        health.shutdownNow();
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
