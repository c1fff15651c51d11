package dev.imagine.kernels;

/**
 * One loaded model version (weights in memory). Thread-safe: {@link #generate} may be called from
 * several threads at once; each call works in its own buffers and the weights are never written.
 */
public interface DiffusionModel {

    /** The registry key, e.g. "v8". */
    String version();

    ModelPreset preset();

    /** The network's shapes and sampling defaults (from model.json for a trained version). */
    default ModelConfig config() {
        return preset().config(version(), Sampler.Kind.RECTIFIED_FLOW);
    }

    /** Words of the prompt this model's text encoder has no token for (a closed vocabulary lists them). */
    default java.util.List<String> ignoredWords(String prompt) {
        return java.util.List.of();
    }

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

    /**
     * One rank of a sequence-parallel gang: every rank of {@code gang} calls this with the same request, and rank 0
     * returns the grid, byte-identical to {@link #generate}'s; the other ranks return the same latents and an empty
     * PNG (they decode nothing). A gang of one (or null) is {@link #generate}.
     *
     * @throws dev.imagine.kernels.parallel.GangException when a peer is lost or stops answering
     * @throws IllegalArgumentException when the model cannot be split k ways (Ulysses needs k to divide its heads)
     */
    default GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel,
                                   dev.imagine.kernels.parallel.SequenceExchange gang) {
        if (gang == null || gang.size() == 1) {
            return generate(request, progress, cancel);
        }
        throw new IllegalArgumentException("model " + version() + " has no sequence-parallel path");
    }
}
