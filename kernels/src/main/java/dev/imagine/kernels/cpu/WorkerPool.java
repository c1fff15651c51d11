package dev.imagine.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed team of {@code threads} for data-parallel loops: the calling thread plus {@code threads - 1}
 * named daemon workers. {@link #run} hands out task indices from a shared counter; which thread runs a
 * task never changes what the task computes, so kernels that give each output element to exactly one
 * task are bit-identical for any thread count.
 *
 * <p>No allocation per call: the task is a long-lived object whose fields the caller sets before
 * {@link #run}. Idle workers spin briefly (a DiT step issues kernels back to back) and then park.
 * Calls from several threads are serialised.
 */
final class WorkerPool implements AutoCloseable {

    /** One parallel loop body. {@code worker} is in [0, threads): index of per-thread scratch. */
    interface Task {
        void run(int index, int worker);
    }

    private static final long SPIN_NANOS = 50_000;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Thread[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;
    private Task task;
    private int count;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        int pool = POOLS.incrementAndGet();
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            Thread t = new Thread(() -> workLoop(id), "imagine-vector-" + pool + "-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    int threads() {
        return workers.length + 1;
    }

    /** As {@link #run(int, Task)} when {@code parallel}, else on the calling thread alone (small problems). */
    void run(int count, Task task, boolean parallel) {
        if (parallel) {
            run(count, task);
        } else {
            for (int i = 0; i < count; i++) {
                task.run(i, 0);
            }
        }
    }

    /** Runs task.run(i, worker) for every i in [0, count), on all threads; rethrows the first failure. */
    void run(int count, Task task) {
        if (count <= 0) {
            return;
        }
        if (workers.length == 0 || count == 1) {
            for (int i = 0; i < count; i++) {
                task.run(i, 0);
            }
            return;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("vector backend is closed");
            }
            this.task = task;
            this.count = count;
            this.failure = null;
            this.caller = Thread.currentThread();
            next.set(0);
            pending.set(workers.length);
            generation++; // volatile write: publishes task, count and the counters to the workers
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            drain(0);
            awaitWorkers();
            this.task = null;
            Throwable t = failure;
            if (t != null) {
                failure = null;
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(t);
            }
        } finally {
            lock.unlock();
        }
    }

    private void drain(int worker) {
        Task t = task;
        int n = count;
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            try {
                t.run(i, worker);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
                next.set(n); // stop handing out tasks
            }
        }
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        while (pending.get() != 0) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 100_000);
            }
        }
    }

    private void workLoop(int id) {
        int seen = 0;
        while (true) {
            long start = System.nanoTime();
            int g;
            while ((g = generation) == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            drain(id);
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        for (Thread w : workers) {
            try {
                w.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
