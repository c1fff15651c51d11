package dev.imagine.participant.faults;

import dev.imagine.kernels.ops.TensorOps;

/**
 * A fault switch for one slot's kernels, for failure tests, the soak and chaos drills (never on by default):
 * the slot's {@link TensorOps} are wrapped by {@link FaultInjectingOps}, which consults this switch before every
 * matrix product. A device that errors, hangs or slows down is then a real slot whose real kernels misbehave,
 * seen by everything above it (the worker, the lease, recovery, the breaker, the health check) as a GPU would be.
 */
public final class KernelFaults {
    /** What the next matrix products do. */
    public enum Mode {
        /** Run normally. */
        NONE,
        /** Throw, as a device error or an out-of-memory on the card would. */
        ERROR,
        /** Block until healed (or the thread is interrupted, as a participant's shutdown does): a hung kernel. */
        HANG,
        /** Run, each product {@link #slowMillis} late: a job that is slow but still making progress. */
        SLOW
    }

    private volatile Mode mode = Mode.NONE;
    private volatile long slowMillis;
    private final Object hung = new Object();

    public void error() {
        set(Mode.ERROR);
    }

    public void hang() {
        set(Mode.HANG);
    }

    public void slow(long millisPerProduct) {
        slowMillis = millisPerProduct;
        set(Mode.SLOW);
    }

    public void heal() {
        set(Mode.NONE);
    }

    public Mode mode() {
        return mode;
    }

    private void set(Mode next) {
        synchronized (hung) {
            mode = next;
            hung.notifyAll();
        }
    }

    /** Called by the kernels before each product. */
    void beforeKernel() {
        switch (mode) {
            case ERROR -> throw new IllegalStateException("injected device error");
            case HANG -> awaitHealed();
            case SLOW -> sleep(slowMillis);
            case NONE -> { }
        }
    }

    private void awaitHealed() {
        synchronized (hung) {
            while (mode == Mode.HANG) {
                try {
                    hung.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("hung kernel interrupted", e);
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("slow kernel interrupted", e);
        }
    }
}
