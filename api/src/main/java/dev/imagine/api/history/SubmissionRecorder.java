package dev.imagine.api.history;

import dev.imagine.core.job.JobRecord;
import dev.imagine.history.JobHistory;
import io.dropwizard.lifecycle.Managed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts each accepted job into the history, off the accept path: submissions queue here and one thread writes them
 * in batches (one transaction each), so a user's history lists a job from its first second, while acceptance waits
 * only for ZooKeeper. A job lost here (the process died with it queued, PostgreSQL was away) is still in ZooKeeper,
 * and the archiver writes it when it finishes.
 */
public final class SubmissionRecorder implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(SubmissionRecorder.class);
    private static final int BATCH = 500;
    private static final int QUEUE_LIMIT = 100_000;

    private final JobHistory history;
    private final LinkedBlockingQueue<JobRecord> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    private final Thread writer = Thread.ofPlatform().name("history-submissions").daemon().unstarted(this::run);
    private volatile boolean running = true;

    public SubmissionRecorder(JobHistory history) {
        this.history = history;
    }

    public void accepted(JobRecord job) {
        if (!queue.offer(job)) {
            LOG.debug("History queue full; job {} reaches the history when it finishes", job.id());
        }
    }

    @Override
    public void start() {
        writer.start();
    }

    private void run() {
        List<JobRecord> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                JobRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                history.writeSubmitted(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("{} submissions not written to the history ({}); the archiver writes them when they finish",
                        batch.size(), e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        writer.join(10_000);
    }
}
