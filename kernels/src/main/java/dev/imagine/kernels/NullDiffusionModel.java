package dev.imagine.kernels;

/**
 * A model that renders nothing and returns at once: for benchmarks of the queue, the dispatcher and the worker
 * protocol, where the kernels would hide what is measured. Never a default, never a registered version: only a
 * participant started with {@code withNullKernels()} (by {@code imagine bench queue}) loads it.
 */
public final class NullDiffusionModel implements DiffusionModel {
    /** A valid 1x1 PNG. */
    private static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");

    private final String version;

    public NullDiffusionModel(String version) {
        this.version = version;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public ModelPreset preset() {
        return ModelPreset.TINY;
    }

    @Override
    public String backend() {
        return "null (benchmarks only: renders nothing)";
    }

    @Override
    public long flopsPerGrid(GenerationRequest request) {
        return 0;
    }

    @Override
    public SamplingPlan plan(GenerationRequest request) {
        return new SamplingPlan(1, 1, 1, 1f, 0f);
    }

    @Override
    public GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel) {
        return new GeneratedGrid(PNG.clone(), 1, 1, 1, 0);
    }
}
