package dev.imagine.kernels;

/**
 * One loaded model version (weights in memory). Thread-safe: {@link #generate} may be called from
 * several threads at once; each call works in its own buffers and the weights are never written.
 */
public interface DiffusionModel {

    /** The registry key, e.g. "v8". */
    String version();

    ModelPreset preset();

    /** What the request's flags mean for this model; cheap, no network evaluation. */
    SamplingPlan plan(GenerationRequest request);

    /**
     * Renders the four images of the request as one 2x2 grid PNG. The same request always gives a
     * byte-identical PNG.
     *
     * @throws GenerationCancelledException if {@code cancel} is cancelled before the run finishes
     */
    GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel);
}
