package dev.imagine.participant;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.ProgressListener;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes step progress into the job record, at most every {@code minIntervalMillis} and always at the
 * last step; between writes it reads whether the job's lease is still there. The write is a compare-and-set: if it fails, the job was taken from this worker
 * (re-queued after a lost lease), so the run is cancelled instead of finishing work nobody will use.
 */
final class ProgressWriter implements ProgressListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressWriter.class);

    private final JobStore store;
    private final ImageStore images;
    private final CancellationToken cancel;
    private final long minIntervalMillis;
    private volatile Versioned<JobRecord> latest;
    private long lastWriteMillis;
    /** Previews this attempt stored, oldest first; all but the one its record names are released as it moves on. */
    private final java.util.LinkedHashSet<String> previews = new java.util.LinkedHashSet<>();
    private String newestPreview;

    ProgressWriter(JobStore store, ImageStore images, Versioned<JobRecord> claimed, CancellationToken cancel,
                   long minIntervalMillis) {
        this.store = store;
        this.images = images;
        this.latest = claimed;
        this.cancel = cancel;
        this.minIntervalMillis = minIntervalMillis;
    }

    @Override
    public void onStep(int step, int totalSteps, byte[] previewPng) {
        if (previewPng != null) {
            storePreview(previewPng);
        }
        long now = System.currentTimeMillis();
        if (step < totalSteps && now - lastWriteMillis < minIntervalMillis) {
            // Between writes, a read: a job cancelled or taken back (its lease gone) still stops at its next step.
            stopIfLeaseGone(step);
            return;
        }
        lastWriteMillis = now;
        try {
            JobRecord next = latest.value().withProgress(step, totalSteps);
            if (newestPreview != null) {
                next = next.withPreview(newestPreview);
            }
            Optional<Versioned<JobRecord>> written = store.update(latest, next);
            if (written.isPresent()) {
                latest = written.get();
                releasePreviewsBut(latest.value().preview());
            } else {
                LOG.warn("Job {} was taken from this worker at step {}; cancelling", latest.value().id(), step);
                cancel.cancel();
            }
        } catch (Exception e) {
            // A missed progress write is not worth the job; the terminal write decides ownership.
            LOG.warn("Progress write for job {} failed: {}", latest.value().id(), e.toString());
        }
    }

    private void stopIfLeaseGone(int step) {
        try {
            if (!store.hasLease(latest.value().id())) {
                LOG.info("Job {} lost its lease at step {} (cancelled or taken back); stopping", latest.value().id(), step);
                cancel.cancel();
            }
        } catch (Exception e) {
            LOG.debug("Lease check of job {} failed: {}", latest.value().id(), e.toString());
        }
    }

    Versioned<JobRecord> latest() {
        return latest;
    }

    /**
     * The latest low-resolution preview, served at /v1/jobs/{id}/preview.png while the job renders: stored by its hash
     * now, named in the record by the next progress write.
     */
    private void storePreview(byte[] png) {
        try {
            newestPreview = images.putPreview(latest.value().id(), latest.value().attempts(), png);
            previews.add(newestPreview);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("Preview of job {} not stored: {}", latest.value().id(), e.toString());
        }
    }

    /** The run is over (done, cancelled, failed): its previews are of no more use. */
    void releasePreviews() {
        releasePreviewsBut(null);
    }

    private void releasePreviewsBut(String kept) {
        String referrer = ImageStore.previewReferrer(latest.value().id(), latest.value().attempts());
        for (java.util.Iterator<String> it = previews.iterator(); it.hasNext(); ) {
            String hash = it.next();
            if (hash.equals(kept)) {
                continue;
            }
            try {
                images.release(hash, referrer);
                it.remove();
            } catch (java.io.IOException | RuntimeException e) {
                LOG.debug("Preview {} of job {} not released: {}", hash, latest.value().id(), e.toString());
            }
        }
    }
}
