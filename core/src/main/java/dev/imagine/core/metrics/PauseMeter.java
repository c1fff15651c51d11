package dev.imagine.core.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Measures how long this JVM stops running threads (GC, safepoints, a starved CPU, swapping): a daemon thread
 * sleeps {@link #TICK_MILLIS} at a time and records by how much each wake-up came late, in 1 ms buckets. A worker's
 * ZooKeeper session must outlast its longest pause, or every job on the node restarts after it; this is what the
 * session time is chosen from.
 */
public final class PauseMeter implements AutoCloseable {
    public static final long TICK_MILLIS = 10;
    private static final int BUCKETS = 60_001;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final Thread thread;
    private volatile boolean running = true;

    public PauseMeter(String name) {
        thread = Thread.ofPlatform().name("pause-meter-" + name).daemon().unstarted(this::run);
    }

    public PauseMeter start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            long before = System.nanoTime();
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long lateMillis = (System.nanoTime() - before) / 1_000_000 - TICK_MILLIS;
            counts.incrementAndGet((int) Math.max(0, Math.min(BUCKETS - 1, lateMillis)));
        }
    }

    /** The pauses seen since the last {@code take}, and starts counting afresh. */
    public Pauses take() {
        long[] taken = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            taken[i] = counts.getAndSet(i, 0);
            total += taken[i];
        }
        return new Pauses(total, percentile(taken, total, 0.99), percentile(taken, total, 0.999), max(taken));
    }

    private static long percentile(long[] counts, long total, double p) {
        long rank = (long) Math.ceil(total * p);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank && rank > 0) {
                return i;
            }
        }
        return 0;
    }

    private static long max(long[] counts) {
        for (int i = counts.length - 1; i >= 0; i--) {
            if (counts[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    /** Late wake-ups in ms: samples, 99th and 99.9th percentile, the longest (60 s means 60 s or more). */
    public record Pauses(long samples, long p99Millis, long p999Millis, long maxMillis) {
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
