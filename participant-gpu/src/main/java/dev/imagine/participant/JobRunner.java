package dev.imagine.participant;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.moderation.ImageClassifier;
import dev.imagine.core.moderation.ImageModeration;
import dev.imagine.core.prompt.PromptParser;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.GeneratedGrid;
import dev.imagine.kernels.GenerationCancelledException;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.kernels.parallel.GangException;
import dev.imagine.participant.gang.GangPeers;
import dev.imagine.participant.gang.NettyExchange;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one assigned job on one slot: claim (ephemeral lease + PROCESSING), generate with progress,
 * UPLOADING, store the grid, COMPLETED. Each step is a versioned write, so a worker that lost the job
 * (its lease expired and the job was re-queued) finds out at its next write and stops.
 */
final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /**
     * Progress is written at most twice a second (and at the last step): a 20 s job costs ~40 record writes, not
     * 200, users still see it move, and the controller's no-progress timeout (120 s) sees a stepping job long before
     * it would act. Between writes each step reads its lease, so a cancel still stops it at its next step.
     */
    private static final long PROGRESS_INTERVAL_MILLIS = 500;
    /** Suffix of the referrer of a grid's final latents (what its variations start from). */
    static final String LATENTS = "-latents";

    private final JobStore store;
    private final ImageStore images;
    private final String worker;
    private final Clock clock;
    private final ImageModeration moderation;
    private final java.util.function.LongSupplier seeds;
    /** Where the ranks of a gang meet; null: this participant renders alone (a gang job then runs on rank 0 only). */
    private GangPeers gangs;

    /** Without an image check: for tests of the worker protocol with scripted models. */
    JobRunner(JobStore store, ImageStore images, String worker, Clock clock) {
        this(store, images, worker, clock, new ImageModeration(java.util.List.of()));
    }

    JobRunner(JobStore store, ImageStore images, String worker, Clock clock, ImageModeration moderation) {
        this.store = store;
        this.images = images;
        this.worker = worker;
        this.clock = clock;
        this.moderation = moderation;
        java.security.SecureRandom random = new java.security.SecureRandom();
        this.seeds = () -> Math.floorMod(random.nextLong(), PromptParser.MAX_SEED + 1);
    }

    JobRunner withGangs(GangPeers peers) {
        this.gangs = peers;
        return this;
    }

    void run(SlotRuntime slot, String jobId, CancellationToken cancel) throws Exception {
        Optional<Versioned<JobRecord>> assigned = store.get(jobId);
        if (assigned.isPresent() && assigned.get().value().rankOf(slot.slot()) > 0) {
            slot.lock().lock();
            try {
                follow(slot, assigned.get().value(), cancel);
            } finally {
                slot.lock().unlock();
            }
            return;
        }
        if (assigned.isEmpty() || assigned.get().value().state() != JobState.DISPATCHED
                || !slot.slot().equals(assigned.get().value().slot())) {
            LOG.info("Job {} is no longer dispatched to slot {}; skipping", jobId, slot.slot());
            return;
        }
        slot.lock().lock();
        try {
            runLocked(slot, assigned.get(), cancel);
        } finally {
            slot.lock().unlock();
        }
    }

    private void runLocked(SlotRuntime slot, Versioned<JobRecord> assigned, CancellationToken cancel) throws Exception {
        JobSpec spec = assigned.value().spec();
        if (!slot.holds(spec.modelVersion())) {
            store.requeue(assigned, "slot " + slot.slot() + " no longer holds " + spec.modelVersion(), clock.millis());
            return;
        }
        Render render;
        try {
            render = Render.of(spec, slot, images);
        } catch (Render.SourceMissing e) {
            // the parent's image or latents are gone from the store: no attempt anywhere can render this
            LOG.warn("Job {} cannot start: {}", assigned.value().id(), e.getMessage());
            store.retry(assigned, new JobStore.Retry(e.getMessage(), true, false), clock.millis());
            return;
        }
        int steps = render.steps();
        // The lease names this claim, not just this participant: a stale run of the same job on another slot of
        // the same participant can then never release the live claim's lease.
        String lease = worker + "#" + slot.slot() + "#" + UUID.randomUUID();
        // We hold the slot's run lock: a busy marker of this session's is a release that failed; it must not
        // keep the slot from ever being claimed again.
        store.clearOwnStaleBusy(slot.slot());
        Optional<Versioned<JobRecord>> claimed =
                store.claim(assigned, assigned.value().processingOn(worker, steps, clock.millis()), lease);
        if (claimed.isEmpty()) {
            // Lost to another writer, or our own claim committed before a connection loss and its retry
            // failed: a lease of ours must not outlive this call, or the job would stay PROCESSING forever.
            store.release(assigned.value().id(), slot.slot(), lease);
            LOG.info("Job {} moved before slot {} could claim it", assigned.value().id(), slot.slot());
            return;
        }
        try {
            carry(slot, render, claimed.get(), cancel);
        } catch (Exception | Error e) {
            // Whatever broke (disk full, ZooKeeper gone past Curator's retries, out of memory), the job goes
            // back through recovery rather than staying claimed by a worker that has given up on it.
            LOG.error("Job {} abandoned on slot {}: {}", assigned.value().id(), slot.slot(), e.toString());
            throw e;
        } finally {
            // Every way out of a claim lets go of it: after COMPLETED the lease and the busy marker are already gone;
            // after a retry only the busy marker is left (the slot is free once the run is really over); after a
            // cancel, a lost write or an error, dropping the lease hands the job to recovery at once.
            try {
                store.release(assigned.value().id(), slot.slot(), lease);
            } catch (Exception releaseFailed) {
                LOG.warn("Lease of job {} not released ({}); it goes with this worker's session", assigned.value().id(),
                        releaseFailed.toString());
            }
        }
    }

    private void carry(SlotRuntime slot, Render render, Versioned<JobRecord> claimed, CancellationToken cancel)
            throws Exception {
        String id = claimed.value().id();
        LOG.info("Job {} PROCESSING on slot {} ({} steps, seed {})", id, slot.slot(), claimed.value().totalSteps(),
                claimed.value().spec().seed());
        ProgressWriter progress = new ProgressWriter(store, images, claimed, cancel, PROGRESS_INTERVAL_MILLIS);
        try {
            GeneratedGrid grid;
            try {
                grid = renderAsRankZero(render, claimed.value(), progress, cancel);
            } catch (GenerationCancelledException e) {
                LOG.info("Job {} cancelled on slot {}", id, slot.slot());
                return;
            } catch (GangException e) {
                // a rank lost or silent: the whole gang stops, its slots are freed, the job goes to a new gang
                LOG.warn("Job {}: its gang of {} stopped on slot {}: {}", id, claimed.value().ranks(), slot.slot(),
                        e.getMessage());
                store.retry(progress.latest(), JobStore.Retry.of("gang of " + claimed.value().ranks() + " stopped: "
                        + e.getMessage()), clock.millis());
                return;
            } catch (RuntimeException e) {
                // The slot's fault until shown otherwise: the job is retried elsewhere and the slot's breaker counts it.
                LOG.error("Job {} failed on slot {}: {}", id, slot.slot(), e.toString());
                store.retry(progress.latest(), JobStore.Retry.slotFault("kernel error on " + slot.slot() + ": " + e),
                        clock.millis());
                return;
            }
            Optional<Versioned<JobRecord>> uploading = store.update(progress.latest(), progress.latest().value().uploading());
            if (uploading.isEmpty()) {
                LOG.warn("Job {} was taken from slot {} before upload; dropping its grid", id, slot.slot());
                return;
            }
            if (refusedByImageCheck(slot, uploading.get(), grid, render)) {
                return;
            }
            String key = images.putGrid(id, claimed.value().attempts(), grid.png());
            String latents = grid.latents().length == 0 ? null
                    : images.put(GeneratedGrid.encode(grid.latents()), ImageStore.gridReferrer(id, claimed.value().attempts())
                            + LATENTS, true);
            // Metered here, on the slot: the kernel time of this attempt, charged once in the completing transaction.
            JobRecord completed = uploading.get().value().completed(key, grid.width(), grid.height(), clock.millis())
                    .withLatents(latents)
                    .metered(grid.elapsedMillis(), claimed.value().spec().lane().fastMillisFor(grid.elapsedMillis()));
            if (store.complete(uploading.get(), completed)) {
                LOG.info("Job {} COMPLETED on slot {} in {} ms ({}x{}), {} ms of Fast time charged to {}", completed.id(),
                        slot.slot(), grid.elapsedMillis(), grid.width(), grid.height(), completed.chargedMillis(), completed.user());
            } else {
                LOG.warn("Job {} lost its lease during upload on slot {}; the re-run will store it", completed.id(), slot.slot());
            }
        } finally {
            progress.releasePreviews();
        }
    }

    /** Rank 0 of the job's gang when it has one that can share this render, else the whole render here. */
    private GeneratedGrid renderAsRankZero(Render render, JobRecord job, ProgressListener progress, CancellationToken cancel)
            throws Exception {
        if (job.ranks() == 1 || gangs == null || !render.splits(job.ranks())) {
            return render.run(progress, cancel);
        }
        try (NettyExchange exchange = gangs.exchange(job, 0)) {
            return render.run(progress, cancel, exchange);
        }
    }

    /**
     * A rank other than 0: waits until rank 0 has claimed the job (its lease covers the gang), then renders its
     * share with the same attempt, and returns; rank 0 stores the grid and its completion removes this slot's
     * assignment with its own. If rank 0 never claims, or the job moves on, this rank just stops.
     */
    private void follow(SlotRuntime slot, JobRecord dispatched, CancellationToken cancel) throws Exception {
        int rank = dispatched.rankOf(slot.slot());
        if (gangs == null || !slot.holds(dispatched.spec().modelVersion())) {
            LOG.warn("Job {}: slot {} cannot be rank {} of its gang; rank 0 will time out and re-queue it",
                    dispatched.id(), slot.slot(), rank);
            return;
        }
        Render render;
        try {
            render = Render.of(dispatched.spec(), slot, images);
        } catch (Render.SourceMissing e) {
            return; // rank 0 fails the job for it
        }
        if (!render.splits(dispatched.ranks())) {
            return; // rank 0 renders it alone
        }
        Optional<JobRecord> claimed = awaitClaim(dispatched);
        if (claimed.isEmpty()) {
            LOG.info("Job {} was not claimed by rank 0 ({}); rank {} on slot {} stops", dispatched.id(),
                    dispatched.slot(), rank, slot.slot());
            return;
        }
        LOG.info("Job {} attempt {}: rank {} of {} on slot {}", dispatched.id(), claimed.get().attempts(), rank,
                dispatched.ranks(), slot.slot());
        try (NettyExchange exchange = gangs.exchange(claimed.get(), rank)) {
            render.run(ProgressListener.NONE, cancel, exchange);
        } catch (GangException | GenerationCancelledException e) {
            LOG.warn("Job {}: rank {} on slot {} stopped: {}", dispatched.id(), rank, slot.slot(), e.getMessage());
        }
    }

    /** The job as rank 0 claimed it for this gang, or empty once it is anything else or the gang timeout passed. */
    private Optional<JobRecord> awaitClaim(JobRecord dispatched) throws Exception {
        long deadline = System.nanoTime() + GangPeers.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Versioned<JobRecord>> now = store.get(dispatched.id());
            if (now.isEmpty() || !dispatched.gang().equals(now.get().value().gang())) {
                return Optional.empty();
            }
            JobState state = now.get().value().state();
            if (state == JobState.PROCESSING) {
                return Optional.of(now.get().value());
            }
            if (state != JobState.DISPATCHED) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    /**
     * The image check, after rendering and before storage: a refused render is never stored nor delivered; the job
     * renders again with a new seed, up to {@link ImageModeration#MAX_RENDERS} renders, then ends REJECTED. A check
     * that cannot decide hands the job back (it is retried, and dead-lettered if the check never comes back).
     *
     * @return true if the grid must not be delivered (the job has been moved on)
     */
    private boolean refusedByImageCheck(SlotRuntime slot, Versioned<JobRecord> uploading, GeneratedGrid grid, Render render)
            throws Exception {
        JobRecord job = uploading.value();
        String refusal;
        try {
            refusal = moderation.check(grid.png(), render.isGrid());
        } catch (ImageClassifier.Unavailable | IllegalArgumentException e) {
            LOG.error("Job {}: image moderation unavailable on slot {}: {}", job.id(), slot.slot(), e.getMessage());
            store.retry(uploading, JobStore.Retry.of("image moderation unavailable: " + e.getMessage()), clock.millis());
            return true;
        }
        if (refusal == null) {
            return false;
        }
        long now = clock.millis();
        JobRecord next = job.rerenders() + 1 >= ImageModeration.MAX_RENDERS
                ? job.rejected("refused by moderation after " + (job.rerenders() + 1) + " renders; last: " + refusal, now)
                : job.rerender(seeds.getAsLong(), "render " + (job.rerenders() + 1) + " " + refusal
                        + "; rendering again with a new seed", now);
        if (store.moderated(uploading, next)) {
            LOG.info("Job {} {} ({})", job.id(), next.state() == JobState.REJECTED ? "REJECTED" : "re-queued with a new seed",
                    refusal);
        }
        return true;
    }
}
