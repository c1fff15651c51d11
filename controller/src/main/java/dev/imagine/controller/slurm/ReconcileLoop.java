package dev.imagine.controller.slurm;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SlurmReconciler} every {@code interval} while {@code isLeader} says this controller leads
 * (re-checked before every pass). Its own thread: a slow slurmrestd must not hold up dispatching.
 */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);

    private final SlurmReconciler reconciler;
    private final BooleanSupplier isLeader;
    private final Duration interval;
    private volatile boolean running = true;
    private final Thread thread;

    public ReconcileLoop(String name, SlurmReconciler reconciler, BooleanSupplier isLeader, Duration interval) {
        this.reconciler = reconciler;
        this.isLeader = isLeader;
        this.interval = interval;
        this.thread = Thread.ofPlatform().name("slurm-reconciler-" + name).daemon().start(this::run);
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                if (!isLeader.getAsBoolean()) {
                    continue;
                }
                long t0 = System.nanoTime();
                ReconcilePass pass = reconciler.reconcileOnce();
                if (pass.changedHelix()) {
                    LOG.info("Reconcile pass in {} ms: evicted {}, disabled {}, enabled {}",
                            (System.nanoTime() - t0) / 1_000_000, pass.evicted(), pass.disabled(), pass.enabled());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // ZooKeeper connection loss or a Slurm error mid-pass: the next pass starts from scratch.
                LOG.warn("Reconcile pass failed ({}); retrying", e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
