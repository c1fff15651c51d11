package dev.imagine.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * The job as stored in ZooKeeper under {@code /jobs/<id>}: one JSON document, updated with
 * versioned compare-and-set so that two writers can never both win a transition.
 * Times are epoch milliseconds; zero means "not yet".
 *
 * <p>{@code gpuMillis} is the kernel time the completing attempt measured on its slot; {@code chargedMillis}
 * the Fast time it cost its user (Turbo twice, Relax nothing), charged once, in the completing transaction.
 * {@code preview} is the SHA-256 of the current attempt's latest preview in the image store, set with its progress.
 * {@code latents} is the image store key of the completed grid's final latents (what a variation or remix starts from);
 * {@code rerenders} how many grids the image check refused, each rendered again with a new seed.
 * {@code note} tells the user something the scheduler decided, e.g. that Fast time ran out and the job went to Relax.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(
        String id,
        String user,
        JobSpec spec,
        JobState state,
        int attempts,
        int step,
        int totalSteps,
        String slot,
        String worker,
        String imagePath,
        int imageWidth,
        int imageHeight,
        String error,
        long submittedAtMillis,
        long queuedAtMillis,
        long dispatchedAtMillis,
        long startedAtMillis,
        long completedAtMillis,
        long gpuMillis,
        long chargedMillis,
        String note,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Attempt> history,
        String preview,
        String latents,
        int rerenders,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> gang) {

    /** Attempts kept in a record: enough for any retry policy, bounded however often a job is replayed. */
    static final int HISTORY_LIMIT = 10;

    public JobRecord {
        history = history == null ? List.of() : List.copyOf(history);
        gang = gang == null || gang.size() < 2 ? null : List.copyOf(gang);
    }

    /** Ranks of a sequence-parallel run: the gang's slots (rank 0 first, which is {@code slot}), or 1. */
    public int ranks() {
        return gang == null ? 1 : gang.size();
    }

    /** This slot's rank in the job's gang, or -1 if it is not in it. */
    public int rankOf(String aSlot) {
        if (gang == null) {
            return aSlot.equals(slot) ? 0 : -1;
        }
        return gang.indexOf(aSlot);
    }

    /** Dispatched to a gang of slots at once (rank 0 first); one slot is {@link #dispatchedTo}. */
    public JobRecord dispatchedToGang(List<String> slots, long nowMillis) {
        JobRecord one = dispatchedTo(slots.get(0), nowMillis);
        return new JobRecord(one.id, one.user, one.spec, one.state, one.attempts, one.step, one.totalSteps, one.slot,
                one.worker, one.imagePath, one.imageWidth, one.imageHeight, one.error, one.submittedAtMillis,
                one.queuedAtMillis, one.dispatchedAtMillis, one.startedAtMillis, one.completedAtMillis, one.gpuMillis,
                one.chargedMillis, one.note, one.history, one.preview, one.latents, one.rerenders, slots);
    }

    public static JobRecord queued(String id, String user, JobSpec spec, long nowMillis) {
        return new JobRecord(id, user, spec, JobState.QUEUED, 0, 0, 0, null, null, null, 0, 0, null,
                nowMillis, nowMillis, 0, 0, 0, 0, 0, null, List.of(), null, null, 0, null);
    }

    public JobRecord dispatchedTo(String newSlot, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.DISPATCHED), attempts, 0, 0,
                newSlot, null, null, 0, 0, null, submittedAtMillis, queuedAtMillis, nowMillis, 0, 0, gpuMillis, chargedMillis, note, history, null, latents, rerenders, null);
    }

    public JobRecord processingOn(String newWorker, int steps, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.PROCESSING), attempts + 1, 0,
                steps, slot, newWorker, null, 0, 0, null, submittedAtMillis, queuedAtMillis,
                dispatchedAtMillis, nowMillis, 0, gpuMillis, chargedMillis, note, history, null, latents, rerenders, gang);
    }

    public JobRecord withProgress(int newStep, int steps) {
        return new JobRecord(id, user, spec, state, attempts, newStep, steps, slot, worker, null, 0, 0, null,
                submittedAtMillis, queuedAtMillis, dispatchedAtMillis, startedAtMillis, 0, gpuMillis, chargedMillis, note, history, preview, latents, rerenders, gang);
    }

    public JobRecord uploading() {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.UPLOADING), attempts, totalSteps,
                totalSteps, slot, worker, null, 0, 0, null, submittedAtMillis, queuedAtMillis,
                dispatchedAtMillis, startedAtMillis, 0, gpuMillis, chargedMillis, note, history, preview, latents, rerenders, gang);
    }

    public JobRecord completed(String path, int width, int height, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.COMPLETED), attempts, totalSteps,
                totalSteps, slot, worker, path, width, height, null, submittedAtMillis, queuedAtMillis,
                dispatchedAtMillis, startedAtMillis, nowMillis, gpuMillis, chargedMillis, note, history, preview, latents, rerenders, gang);
    }

    /** The kernel time of this attempt and the Fast time it costs, set as the job completes. */
    public JobRecord metered(long measuredGpuMillis, long charge) {
        return new JobRecord(id, user, spec, state, attempts, step, totalSteps, slot, worker, imagePath, imageWidth,
                imageHeight, error, submittedAtMillis, queuedAtMillis, dispatchedAtMillis, startedAtMillis,
                completedAtMillis, measuredGpuMillis, charge, note, history, preview, latents, rerenders, gang);
    }

    /** The current attempt's latest preview, stored under {@code sha256}. */
    public JobRecord withPreview(String sha256) {
        return new JobRecord(id, user, spec, state, attempts, step, totalSteps, slot, worker, imagePath, imageWidth,
                imageHeight, error, submittedAtMillis, queuedAtMillis, dispatchedAtMillis, startedAtMillis,
                completedAtMillis, gpuMillis, chargedMillis, note, history, sha256, latents, rerenders, gang);
    }

    /** The completed grid's final latents, stored under {@code key}. */
    public JobRecord withLatents(String key) {
        return new JobRecord(id, user, spec, state, attempts, step, totalSteps, slot, worker, imagePath, imageWidth,
                imageHeight, error, submittedAtMillis, queuedAtMillis, dispatchedAtMillis, startedAtMillis,
                completedAtMillis, gpuMillis, chargedMillis, note, history, preview, key, rerenders, gang);
    }

    /**
     * The image check refused this grid: back to the front of its lane with a new seed, never delivered; the attempt
     * is not counted against the job (the slot did nothing wrong).
     */
    public JobRecord rerender(long newSeed, String reason, long nowMillis) {
        return new JobRecord(id, user, spec.withSeed(newSeed), state.checkedMoveTo(JobState.QUEUED), attempts - 1, 0, 0,
                null, null, null, 0, 0, reason, submittedAtMillis, nowMillis, 0, 0, 0, gpuMillis, chargedMillis, note,
                history, null, null, rerenders + 1, null);
    }

    /** Refused by moderation for good (the image check, after its re-renders): nothing is delivered. */
    public JobRecord rejected(String reason, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.REJECTED), attempts, step, totalSteps,
                slot, worker, null, 0, 0, reason, submittedAtMillis, queuedAtMillis, dispatchedAtMillis,
                startedAtMillis, nowMillis, gpuMillis, chargedMillis, note, history, preview, null, rerenders, gang);
    }

    /** What the scheduler tells the user about this job (a lane fallback, say). */
    public JobRecord withNote(String newNote) {
        return new JobRecord(id, user, spec, state, attempts, step, totalSteps, slot, worker, imagePath, imageWidth,
                imageHeight, error, submittedAtMillis, queuedAtMillis, dispatchedAtMillis, startedAtMillis,
                completedAtMillis, gpuMillis, chargedMillis, newNote, history, preview, latents, rerenders, gang);
    }

    /** Back to its lane after a lost lease or a vanished slot; the spec (and so the seed) is kept. */
    public JobRecord requeued(String reason, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.QUEUED), attempts, 0, 0, null, null,
                null, 0, 0, reason, submittedAtMillis, nowMillis, 0, 0, 0, gpuMillis, chargedMillis, note, history, null, latents, rerenders, null);
    }

    /**
     * This attempt ended without completing, for {@code reason}: it goes into the history (the context a dead
     * letter keeps). {@code countsAsAttempt} charges an attempt that never claimed (a claim timeout) as one.
     */
    public JobRecord attemptEnded(String reason, boolean countsAsAttempt, long nowMillis) {
        int number = attempts + (countsAsAttempt ? 1 : 0);
        List<Attempt> longer = new ArrayList<>(history);
        longer.add(new Attempt(number, slot, worker, dispatchedAtMillis, startedAtMillis, nowMillis, reason));
        if (longer.size() > HISTORY_LIMIT) {
            longer.subList(0, longer.size() - HISTORY_LIMIT).clear();
        }
        return new JobRecord(id, user, spec, state, number, step, totalSteps, slot, worker, imagePath, imageWidth,
                imageHeight, error, submittedAtMillis, queuedAtMillis, dispatchedAtMillis, startedAtMillis,
                completedAtMillis, gpuMillis, chargedMillis, note, longer, preview, latents, rerenders, gang);
    }

    /** Out of the dead-letter queue, back to the front of its lane with its attempts reset; the history stays. */
    public JobRecord replayed(long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.QUEUED), 0, 0, 0, null, null, null, 0, 0,
                null, submittedAtMillis, nowMillis, 0, 0, 0, gpuMillis, chargedMillis, note, history, null, latents, rerenders, null);
    }

    /** Stopped by an operator; the slot and worker it had stay on record for the audit trail. */
    public JobRecord cancelled(String reason, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.CANCELLED), attempts, step, totalSteps,
                slot, worker, null, 0, 0, reason, submittedAtMillis, queuedAtMillis, dispatchedAtMillis,
                startedAtMillis, nowMillis, gpuMillis, chargedMillis, note, history, preview, latents, rerenders, gang);
    }

    public JobRecord failed(String reason, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.FAILED), attempts, step, totalSteps,
                slot, worker, null, 0, 0, reason, submittedAtMillis, queuedAtMillis, dispatchedAtMillis,
                startedAtMillis, nowMillis, gpuMillis, chargedMillis, note, history, preview, latents, rerenders, gang);
    }
}
