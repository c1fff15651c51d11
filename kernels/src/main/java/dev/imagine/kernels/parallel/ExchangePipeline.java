package dev.imagine.kernels.parallel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gang rank's exchanges, run one after another on a thread of their own, so that the compute thread can go on
 * with another part of the batch while one part's tensors travel. Order is kept: exchanges run in the order they
 * were started, which every rank does alike, so each peer's frames still arrive in the order they are expected.
 * The caller must leave a started exchange's send and receive buffers alone until {@link #await} returns.
 *
 * <p>{@link #overlapFraction()} is the share of the exchanges' time the compute thread did not wait for: 0 when
 * each exchange is awaited as soon as it is started, 1 when every one was already done when awaited.
 */
public final class ExchangePipeline {
    private final SequenceExchange gang;
    /** One thread at most, started on demand and gone after 10 s idle, so a dropped workspace leaves nothing. */
    private final ThreadPoolExecutor thread;
    private final AtomicLong busyNanos = new AtomicLong();
    private final AtomicLong blockedNanos = new AtomicLong();
    /** The first exchange that failed: the run is over, and nothing queued behind it is sent. */
    private volatile RuntimeException failure;

    public ExchangePipeline(SequenceExchange gang) {
        this.gang = gang;
        this.thread = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "gang-exchange-rank-" + gang.rank());
            t.setDaemon(true);
            return t;
        });
        this.thread.allowCoreThreadTimeOut(true);
    }

    public SequenceExchange gang() {
        return gang;
    }

    /** Queues the exchange behind any started before it. */
    public Future<?> start(ExchangeTag tag, float[][] send, float[][] receive) {
        return thread.submit(() -> {
            RuntimeException earlier = failure;
            if (earlier != null) {
                throw new GangException("not sent: " + tag + " was queued behind an exchange that failed ("
                        + earlier.getMessage() + ")", earlier);
            }
            long start = System.nanoTime();
            try {
                gang.exchange(tag, send, receive);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                busyNanos.addAndGet(System.nanoTime() - start);
            }
        });
    }

    /** Waits for a started exchange; its failure is rethrown as it was (a {@link GangException} stays one). */
    public void await(Future<?> exchange) {
        long start = System.nanoTime();
        try {
            exchange.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon();
            throw new GangException("interrupted waiting for an exchange", e);
        } catch (ExecutionException e) {
            // the run is over: what is queued behind the failed exchange would only wait out its timeout
            abandon();
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new GangException("exchange failed: " + e.getCause(), e.getCause());
        } finally {
            blockedNanos.addAndGet(System.nanoTime() - start);
        }
    }

    /** Starts and awaits: for the exchanges nothing can run beside. */
    public void exchange(ExchangeTag tag, float[][] send, float[][] receive) {
        await(start(tag, send, receive));
    }

    private void abandon() {
        thread.shutdownNow();
    }

    public double overlapFraction() {
        long busy = busyNanos.get();
        return busy == 0 ? 0 : Math.max(0, Math.min(1, 1 - (double) blockedNanos.get() / busy));
    }
}
