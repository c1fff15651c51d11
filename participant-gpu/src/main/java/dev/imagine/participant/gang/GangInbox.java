package dev.imagine.participant.gang;

import dev.imagine.participant.gang.TensorFrames.Received;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames that arrived at this participant, by run: one open run per job and receiving rank (its attempt; two ranks of a
 * gang may be slots of the same participant), a queue per sending rank.
 * A frame of an older attempt than the run open for its job is refused (released, counted): a gang that was
 * re-formed must never read its predecessor's tensors. A frame for a run not open yet (its peer started first) waits,
 * bounded in bytes, and is dropped if its run never opens. Queued bytes are bounded too: past the limit the
 * server stops reading that connection (TCP then slows the sender) until the run takes frames off.
 */
final class GangInbox {
    private static final Logger LOG = LoggerFactory.getLogger(GangInbox.class);

    private static final long EARLY_TTL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final long maxQueuedBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<String, Run> open = new HashMap<>();
    private final Map<String, Integer> newestAttempt = new HashMap<>();
    private final List<Early> early = new ArrayList<>();
    private final List<Runnable> paused = new ArrayList<>();
    private long queuedBytes;
    private final AtomicLong refused = new AtomicLong();

    GangInbox(long maxQueuedBytes) {
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Frames refused so far because their attempt was superseded. */
    long refused() {
        return refused.get();
    }

    /** Opens the run of (job, attempt) for {@code size} ranks; frames that came early are handed to it. */
    void open(String job, int attempt, int size, int rank) {
        String key = key(job, rank);
        lock.lock();
        try {
            Run previous = open.remove(key);
            if (previous != null) {
                previous.drain(this);
            }
            newestAttempt.merge(job, attempt, Math::max);
            Run run = new Run(job, attempt, size);
            open.put(key, run);
            for (var it = early.iterator(); it.hasNext(); ) {
                Received r = it.next().frame();
                if (r.header().job().equals(job) && r.header().to() == rank) {
                    it.remove();
                    queuedBytes -= r.bytes();
                    if (r.header().attempt() == attempt && r.header().from() >= 0 && r.header().from() < size) {
                        run.queues.get(r.header().from()).add(r);
                        queuedBytes += r.bytes();
                    } else {
                        refuse(r, "attempt " + r.header().attempt() + " while attempt " + attempt + " runs");
                    }
                }
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close(String job, int attempt, int rank) {
        lock.lock();
        try {
            Run run = open.get(key(job, rank));
            if (run != null && run.attempt == attempt) {
                open.remove(key(job, rank));
                run.drain(this);
            }
            resumeIfRoom();
        } finally {
            lock.unlock();
        }
    }

    /** A frame from the network; {@code pause} stops reading its connection, the Runnable it returns resumes it. */
    void deliver(Received frame, Runnable pause, Runnable resume) {
        FrameHeader h = frame.header();
        lock.lock();
        try {
            Integer newest = newestAttempt.get(h.job());
            if (newest != null && h.attempt() < newest) {
                refuse(frame, "attempt " + h.attempt() + " of job " + h.job() + " was superseded by attempt " + newest);
                return;
            }
            Run run = open.get(key(h.job(), h.to()));
            if (run != null && run.attempt == h.attempt()) {
                if (h.from() < 0 || h.from() >= run.size) {
                    refuse(frame, "rank " + h.from() + " is not in a gang of " + run.size);
                    return;
                }
                run.queues.get(h.from()).add(frame);
            } else {
                dropStaleEarly();
                early.add(new Early(frame, System.nanoTime()));
            }
            queuedBytes += frame.bytes();
            if (queuedBytes > maxQueuedBytes) {
                pause.run();
                paused.add(resume);
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next frame rank {@code from} sent to (job, attempt), or null once {@code timeoutNanos} passed or, with no
     * frame queued, once {@code stop} says so ({@link #wake} makes a waiting rank ask at once).
     */
    Received take(String job, int attempt, int rank, int from, long timeoutNanos, BooleanSupplier stop)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (true) {
                Run run = open.get(key(job, rank));
                if (run == null || run.attempt != attempt) {
                    return null;
                }
                Received r = run.queues.get(from).poll();
                if (r != null) {
                    queuedBytes -= r.bytes();
                    resumeIfRoom();
                    return r;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || stop.getAsBoolean()) {
                    return null;
                }
                arrived.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every rank waiting in {@link #take}, to look at its stop condition. */
    void wake() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Frames whose run never opened (its gang broke up before this rank joined): released after a while. */
    private void dropStaleEarly() {
        long now = System.nanoTime();
        for (var it = early.iterator(); it.hasNext(); ) {
            Early e = it.next();
            if (now - e.arrivedNanos() > EARLY_TTL_NANOS) {
                it.remove();
                queuedBytes -= e.frame().bytes();
                refuse(e.frame(), "its run never opened here");
            }
        }
    }

    /** Releases every frame held: the server is closing. */
    void closeAll() {
        lock.lock();
        try {
            open.values().forEach(run -> run.drain(this));
            open.clear();
            early.forEach(e -> e.frame().close());
            early.clear();
            queuedBytes = 0;
        } finally {
            lock.unlock();
        }
    }

    private void resumeIfRoom() {
        if (queuedBytes <= maxQueuedBytes / 2 && !paused.isEmpty()) {
            List<Runnable> resume = List.copyOf(paused);
            paused.clear();
            resume.forEach(Runnable::run);
        }
    }

    private void refuse(Received frame, String why) {
        refused.incrementAndGet();
        LOG.warn("Refused a tensor frame ({} from rank {}): {}", frame.header().tag(), frame.header().from(), why);
        frame.close();
    }

    /** A run is one rank's end of a job's attempt: two ranks of one gang may sit on the same participant. */
    private static String key(String job, int rank) {
        return job + "#" + rank;
    }

    private record Early(Received frame, long arrivedNanos) {
    }

    private static final class Run {
        final String job;
        final int attempt;
        final int size;
        final List<ArrayDeque<Received>> queues = new ArrayList<>();

        Run(String job, int attempt, int size) {
            this.job = job;
            this.attempt = attempt;
            this.size = size;
            for (int i = 0; i < size; i++) {
                queues.add(new ArrayDeque<>());
            }
        }

        void drain(GangInbox inbox) {
            for (ArrayDeque<Received> q : queues) {
                for (Received r : q) {
                    inbox.queuedBytes -= r.bytes();
                    r.close();
                }
                q.clear();
            }
        }
    }
}
