package dev.imagine.kernels;

import dev.imagine.kernels.ops.Backends;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.FileWeights;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model versions: each names its sampler and its weights (a directory of safetensors files in the
 * {@link ModelStore}); {@code upscaler} is the separate super-resolution network. v6 and v8 are generated presets
 * (seeded weights, for benchmarks and the XL shapes); v9 is trained (training/), its shapes in its model.json.
 */
public final class ModelRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private static final Map<String, Sampler.Kind> SAMPLERS;

    static {
        Map<String, Sampler.Kind> m = new TreeMap<>();
        m.put("v6", Sampler.Kind.DDIM);
        m.put("v8", Sampler.Kind.RECTIFIED_FLOW);
        m.put("v9", Sampler.Kind.RECTIFIED_FLOW);
        SAMPLERS = Collections.unmodifiableMap(m);
    }

    /** The trained model version: the default of `imagine up` and of prompts without --v. */
    public static final String TRAINED = "v9";
    public static final String DEFAULT_VERSION = TRAINED;

    /** The version name of the 2x upscaler: a Helix state like any model version, but not a --v a prompt can ask for. */
    public static final String UPSCALER = "upscaler";

    private static volatile TensorOps sharedOps;

    private ModelRegistry() {}

    /** The generation versions, sorted: {"v6", "v8", "v9"}. */
    public static Set<String> versions() {
        return SAMPLERS.keySet();
    }

    /** What a slot can hold: the generation versions and the upscaler (the cluster's {@code ModelAffinity} states). */
    public static Set<String> slotVersions() {
        Set<String> all = new java.util.TreeSet<>(SAMPLERS.keySet());
        all.add(UPSCALER);
        return Collections.unmodifiableSet(all);
    }

    /** Loads a version on the process-wide backend ({@link Backends#create}, all cores). */
    public static DiffusionModel load(String version, ModelPreset preset) {
        return load(version, preset, defaultOps(), ModelStore.standard());
    }

    /**
     * Loads a version's weights from its model directory (generating the preset's seeded weights there on
     * first use) onto the given backend. Callers keep the model and share it.
     *
     * @throws IllegalArgumentException naming the known versions if {@code version} is not one
     */
    public static DiffusionModel load(String version, ModelPreset preset, TensorOps ops, ModelStore store) {
        Objects.requireNonNull(preset, "preset");
        Sampler.Kind kind = version == null ? null : SAMPLERS.get(version);
        if (kind == null) {
            throw new IllegalArgumentException("unknown model version '" + version + "'; known versions: " + versions());
        }
        long start = System.nanoTime();
        boolean trained = isTrained(version);
        Path dir = trained ? store.ensureTrained(version) : store.ensure(version, preset, kind);
        try (FileWeights weights = new FileWeights(dir)) {
            DitDiffusionModel model = trained
                    ? new DitDiffusionModel(version, preset, ModelConfig.read(dir.resolve("model.json")), weights, ops)
                    : new DitDiffusionModel(version, preset, kind, weights, ops);
            LOG.info("Loaded {} ({} parameters) from {} in {} ms on {}", model, model.parameterCount(), dir,
                    (System.nanoTime() - start) / 1_000_000, model.backend());
            return model;
        }
    }

    public static Upscaler upscaler(TensorOps ops, ModelStore store) {
        try (FileWeights weights = new FileWeights(store.ensureUpscaler())) {
            return new Upscaler(weights, ops);
        }
    }

    /** Whether the version is a trained checkpoint shipped in the jar (its shapes from model.json). */
    public static boolean isTrained(String version) {
        return TRAINED.equals(version);
    }

    /** A trained version's model.json as shipped (shapes, vocabulary, training record); empty for generated ones. */
    public static java.util.Optional<com.fasterxml.jackson.databind.JsonNode> describe(String version) {
        return isTrained(version) ? java.util.Optional.ofNullable(Shipped.JSON) : java.util.Optional.empty();
    }

    /** The words of the prompt a version's text encoder has no token for (v9's closed vocabulary); empty otherwise. */
    public static java.util.List<String> ignoredWords(String version, String prompt) {
        return vocabulary(version).map(words -> words.ignoredWords(prompt)).orElse(java.util.List.of());
    }

    /** A trained version's word tokenizer, as its shipped model.json defines it. */
    public static java.util.Optional<WordTokenizer> vocabulary(String version) {
        return describe(version).map(json -> (WordTokenizer) Shipped.CONFIG.tokenizer());
    }

    /** The trained version's shipped model.json, read and parsed once (the API asks per request). */
    private static final class Shipped {
        static final com.fasterxml.jackson.databind.JsonNode JSON = read();
        static final ModelConfig CONFIG = JSON == null ? null : ModelConfig.parse(JSON, "the jar's " + TRAINED + " model.json", 1);

        private static com.fasterxml.jackson.databind.JsonNode read() {
            try (java.io.InputStream in = ModelRegistry.class.getResourceAsStream(ModelStore.trainedResource(TRAINED, "model.json"))) {
                return in == null ? null : new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static Sampler.Kind sampler(String version) {
        return SAMPLERS.get(version);
    }

    private static TensorOps defaultOps() {
        TensorOps ops = sharedOps;
        if (ops == null) {
            synchronized (ModelRegistry.class) {
                if (sharedOps == null) {
                    sharedOps = Backends.create(Runtime.getRuntime().availableProcessors());
                }
                ops = sharedOps;
            }
        }
        return ops;
    }
}
