package dev.imagine.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;

/**
 * A job as the REST API shows it. Durations are derived from the record's timestamps; a duration
 * whose end has not happened yet is absent. A waiting job shows its {@code position} among the jobs of its
 * model version (0: next to start) and an {@code estimatedStartMillis}; a completed one the GPU time it took
 * and the Fast time it was charged. For a model with a closed vocabulary, {@code ignoredWords} lists the prompt's
 * words it has no token for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        String id,
        JobState state,
        double progress,
        int step,
        int totalSteps,
        String lane,
        JobSpec spec,
        int attempts,
        String slot,
        String worker,
        String error,
        String note,
        Integer position,
        Integer lanePosition,
        Long estimatedStartMillis,
        Long gpuMillis,
        Long chargedFastMillis,
        String gridUrl,
        String imageSha256,
        String imageUrl,
        String thumbnailUrl,
        Integer width,
        Integer height,
        Timings timings,
        String parentId,
        String action,
        Integer index,
        String previewUrl,
        Integer rerenders,
        int ranks,
        java.util.List<String> gang,
        java.util.List<String> ignoredWords) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(long submittedAtMillis, Long queueWaitMillis, Long processingMillis, Long totalMillis) {
    }

    /**
     * @param estimate position in its queue and estimated start, for a waiting job (else null)
     */
    public static JobView of(JobRecord job, dev.imagine.api.core.QueueEstimate.Estimate estimate) {
        return of(job, estimate, null);
    }

    /**
     * @param links signs the shareable image links ({@code imageUrl}, {@code thumbnailUrl}); null leaves them out
     */
    public static JobView of(JobRecord job, dev.imagine.api.core.QueueEstimate.Estimate estimate,
                             dev.imagine.api.core.ImageLinks links) {
        boolean done = job.state() == JobState.COMPLETED;
        double progress = done ? 1.0 : job.totalSteps() == 0 ? 0.0 : (double) job.step() / job.totalSteps();
        Long wait = job.dispatchedAtMillis() == 0 ? null : job.dispatchedAtMillis() - job.queuedAtMillis();
        Long processing = job.startedAtMillis() == 0 || job.completedAtMillis() == 0 ? null
                : job.completedAtMillis() - job.startedAtMillis();
        Long total = job.completedAtMillis() == 0 ? null : job.completedAtMillis() - job.submittedAtMillis();
        return new JobView(job.id(), job.state(), progress, job.step(), job.totalSteps(),
                job.spec().lane().pathName(), job.spec(), job.attempts(), job.slot(), job.worker(), job.error(), job.note(),
                estimate == null ? null : estimate.position(), estimate == null ? null : estimate.lanePosition(),
                estimate == null ? null : estimate.estimatedStartMillis(),
                done ? job.gpuMillis() : null, done ? job.chargedMillis() : null,
                done ? "/v1/jobs/" + job.id() + "/grid.png" : null,
                done ? job.imagePath() : null,
                done && links != null ? links.link(job.imagePath() + ".png") : null,
                done && links != null ? links.link(job.imagePath() + ".jpg") : null,
                done ? job.imageWidth() : null, done ? job.imageHeight() : null,
                new Timings(job.submittedAtMillis(), wait, processing, total),
                job.spec().derivation() == null ? null : job.spec().derivation().parentId(),
                job.spec().derivation() == null ? null : job.spec().derivation().action(),
                job.spec().derivation() == null || job.spec().derivation().index() == 0 ? null
                        : job.spec().derivation().index(),
                // the hash in the query makes each new preview a new URL (no cache serves an old one)
                !job.state().isTerminal() && job.preview() != null
                        ? "/v1/jobs/" + job.id() + "/preview.png?v=" + job.preview().substring(0, 12) : null,
                job.rerenders() == 0 ? null : job.rerenders(),
                job.ranks(), job.gang(), ignoredWords(job.spec()));
    }

    /** The prompt's words the version's closed vocabulary lacks ([] when none); absent for open-vocabulary models. */
    public static java.util.List<String> ignoredWords(JobSpec spec) {
        if (!dev.imagine.kernels.ModelRegistry.isTrained(spec.modelVersion())) {
            return null;
        }
        return dev.imagine.kernels.ModelRegistry.ignoredWords(spec.modelVersion(), spec.prompt());
    }
}
