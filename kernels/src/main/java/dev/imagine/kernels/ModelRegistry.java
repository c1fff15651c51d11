package dev.imagine.kernels;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The known model versions. Weights are generated from a seed derived from (version, preset) at
 * load time, so versions differ in weights as well as sampler; a later issue loads them from
 * safetensors files instead.
 */
public final class ModelRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private static final Map<String, Sampler.Kind> SAMPLERS;

    static {
        Map<String, Sampler.Kind> m = new TreeMap<>();
        m.put("v6", Sampler.Kind.DDIM);
        m.put("v8", Sampler.Kind.RECTIFIED_FLOW);
        SAMPLERS = Collections.unmodifiableMap(m);
    }

    private ModelRegistry() {}

    /** The loadable version keys, sorted: {"v6", "v8"}. */
    public static Set<String> versions() {
        return SAMPLERS.keySet();
    }

    /**
     * Builds a model's weights in memory (milliseconds). Callers keep the returned model and share it.
     *
     * @throws IllegalArgumentException naming the known versions if {@code version} is not one
     */
    public static DiffusionModel load(String version, ModelPreset preset) {
        Objects.requireNonNull(preset, "preset");
        Sampler.Kind kind = version == null ? null : SAMPLERS.get(version);
        if (kind == null) {
            throw new IllegalArgumentException("unknown model version '" + version + "'; known versions: " + versions());
        }
        long start = System.nanoTime();
        DitDiffusionModel model = new DitDiffusionModel(version, preset, kind, dev.imagine.kernels.ops.ScalarTensorOps.INSTANCE);
        LOG.info("loaded {} with {} parameters in {} ms", model, model.parameterCount(),
                (System.nanoTime() - start) / 1_000_000);
        return model;
    }
}
