package dev.imagine.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The job as stored in ZooKeeper under {@code /jobs/<id>}: one JSON document, updated with
 * versioned compare-and-set so that two writers can never both win a transition.
 * Times are epoch milliseconds; zero means "not yet".
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
        long completedAtMillis) {

    public static JobRecord queued(String id, String user, JobSpec spec, long nowMillis) {
        return new JobRecord(id, user, spec, JobState.QUEUED, 0, 0, 0, null, null, null, 0, 0, null,
                nowMillis, nowMillis, 0, 0, 0);
    }

    public JobRecord dispatchedTo(String newSlot, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.DISPATCHED), attempts, 0, 0,
                newSlot, null, null, 0, 0, null, submittedAtMillis, queuedAtMillis, nowMillis, 0, 0);
    }

    public JobRecord processingOn(String newWorker, int steps, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.PROCESSING), attempts + 1, 0,
                steps, slot, newWorker, null, 0, 0, null, submittedAtMillis, queuedAtMillis,
                dispatchedAtMillis, nowMillis, 0);
    }

    public JobRecord withProgress(int newStep, int steps) {
        return new JobRecord(id, user, spec, state, attempts, newStep, steps, slot, worker, null, 0, 0, null,
                submittedAtMillis, queuedAtMillis, dispatchedAtMillis, startedAtMillis, 0);
    }

    public JobRecord uploading() {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.UPLOADING), attempts, totalSteps,
                totalSteps, slot, worker, null, 0, 0, null, submittedAtMillis, queuedAtMillis,
                dispatchedAtMillis, startedAtMillis, 0);
    }

    public JobRecord completed(String path, int width, int height, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.COMPLETED), attempts, totalSteps,
                totalSteps, slot, worker, path, width, height, null, submittedAtMillis, queuedAtMillis,
                dispatchedAtMillis, startedAtMillis, nowMillis);
    }

    /** Back to its lane after a lost lease or a vanished slot; the spec (and so the seed) is kept. */
    public JobRecord requeued(String reason, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.QUEUED), attempts, 0, 0, null, null,
                null, 0, 0, reason, submittedAtMillis, nowMillis, 0, 0, 0);
    }

    /** Stopped by an operator; the slot and worker it had stay on record for the audit trail. */
    public JobRecord cancelled(String reason, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.CANCELLED), attempts, step, totalSteps,
                slot, worker, null, 0, 0, reason, submittedAtMillis, queuedAtMillis, dispatchedAtMillis,
                startedAtMillis, nowMillis);
    }

    public JobRecord failed(String reason, long nowMillis) {
        return new JobRecord(id, user, spec, state.checkedMoveTo(JobState.FAILED), attempts, step, totalSteps,
                slot, worker, null, 0, 0, reason, submittedAtMillis, queuedAtMillis, dispatchedAtMillis,
                startedAtMillis, nowMillis);
    }
}
