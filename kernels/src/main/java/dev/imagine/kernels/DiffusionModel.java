package dev.imagine.kernels;

/**
 * One loaded model version (weights in memory). Thread-safe: {@link #generate} may be called from
 * several threads at once; each call works in its own buffers and the weights are never written.
 */
public interface DiffusionModel {

    /** The registry key, e.g. "v8". */
    String version();

    ModelPreset preset();

    /** The kernel backend and where it really runs, e.g. "vector (cpu, 2 thread(s), Vector API 512-bit)". */
    String backend();

    /** Floating-point operations to render the request's grid (multiply-add = 2): every step, CFG and decode. */
    long flopsPerGrid(GenerationRequest request);

    /** What the request's flags mean for this model; cheap, no network evaluation. */
    SamplingPlan plan(GenerationRequest request);

    /** The sampler steps {@link #generate} runs for this request (fewer when it starts from an earlier image). */
    default int steps(GenerationRequest request) {
        return plan(request).steps();
    }

    /**
     * Renders the four images of the request as one 2x2 grid PNG. The same request always gives a
     * byte-identical PNG.
     *
     * @throws GenerationCancelledException if {@code cancel} is cancelled before the run finishes
     */
    GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel);
}
