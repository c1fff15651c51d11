package dev.imagine.kernels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.weights.DType;
import dev.imagine.kernels.weights.FileWeights;
import dev.imagine.kernels.weights.GeneratedWeights;
import dev.imagine.kernels.weights.SafeTensorsWriter;
import dev.imagine.kernels.weights.TensorSpec;
import dev.imagine.kernels.weights.WeightSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model directories on disk: {@code <root>/<version>-<preset>/} holding {@code transformer},
 * {@code text_encoder} and {@code vae} safetensors files and a {@code model.json}; the upscaler in
 * {@code <root>/upscaler/}. The presets' untrained weights are generated into these files once, from a
 * seed per (version, preset), so the real memory-mapped load path is what every run uses. The root is
 * {@code -Dimagine.models.dir}, else IMAGINE_MODELS_DIR, else {@code var/models}.
 */
public final class ModelStore {
    public static final String PROPERTY = "imagine.models.dir";
    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One generator at a time in this JVM; across processes the writes are atomic renames of identical bytes. */
    private static final Object GENERATING = new Object();

    private final Path root;

    public ModelStore(Path root) {
        this.root = root;
    }

    public static ModelStore standard() {
        String dir = System.getProperty(PROPERTY, System.getenv().getOrDefault("IMAGINE_MODELS_DIR", "var/models"));
        return new ModelStore(Path.of(dir));
    }

    public Path root() {
        return root;
    }

    public Path dir(String version, ModelPreset preset) {
        return root.resolve(version + "-" + preset.name().toLowerCase(Locale.ROOT));
    }

    public Path upscalerDir() {
        return root.resolve("upscaler");
    }

    /** The model's directory, generating its seeded weights first if it has none. */
    public Path ensure(String version, ModelPreset preset, Sampler.Kind sampler) {
        Path dir = dir(version, preset);
        synchronized (GENERATING) {
            if (!Files.isRegularFile(dir.resolve("model.json"))) {
                generate(version, preset, sampler, dir);
            }
        }
        return dir;
    }

    /** Where a trained version's shipped files live in the kernels jar. */
    static String trainedResource(String version, String file) {
        return "/dev/imagine/kernels/models/" + version + "/" + file;
    }

    /** The files of a trained version, as the jar ships them (model.json last: it is what marks a whole model). */
    static final java.util.List<String> TRAINED_FILES = java.util.List.of("transformer.safetensors",
            "text_encoder.safetensors", "upscaler.safetensors", "model.json");
    /** A trained version may ship without this one (its grid is then shown at the size it renders). */
    private static final String OPTIONAL = "upscaler.safetensors";

    /**
     * A trained version's directory {@code <root>/<version>/}, unpacked from the jar: each file that is missing
     * there or differs from the jar's (new weights shipped) lands under a temporary name and is renamed into place,
     * model.json last, so a reader never sees half a model.
     */
    public Path ensureTrained(String version) {
        Path dir = root.resolve(version);
        synchronized (GENERATING) {
            try {
                Files.createDirectories(dir);
                for (String file : TRAINED_FILES) {
                    byte[] shipped = file.equals(OPTIONAL) ? optionalResource(trainedResource(version, file))
                            : resource(trainedResource(version, file));
                    Path target = dir.resolve(file);
                    if (shipped == null) {
                        Files.deleteIfExists(target);
                        continue;
                    }
                    if (Files.isRegularFile(target) && Files.size(target) == shipped.length
                            && java.util.Arrays.equals(Files.readAllBytes(target), shipped)) {
                        continue;
                    }
                    Path tmp = dir.resolve(file + ".tmp-" + ProcessHandle.current().pid());
                    Files.write(tmp, shipped);
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    LOG.info("Unpacked {} of the trained model {} into {}", file, version, dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack model " + version + " into " + dir + ": " + e.getMessage(), e);
            }
        }
        return dir;
    }

    private static byte[] optionalResource(String name) {
        try (java.io.InputStream in = ModelStore.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) {
        byte[] bytes = optionalResource(name);
        if (bytes == null) {
            throw new IllegalStateException("the kernels jar has no " + name + " (train it: training/train.sh)");
        }
        return bytes;
    }

    public Path ensureUpscaler() {
        Path dir = upscalerDir();
        synchronized (GENERATING) {
            if (!Files.isRegularFile(FileWeights.file(dir, Upscaler.COMPONENT))) {
                Recorder recorder = new Recorder(new GeneratedWeights(SplitMix64.mix(SplitMix64.fnv1a64("upscaler"))));
                new Upscaler(recorder, ScalarTensorOps.INSTANCE);
                recorder.write(dir, Map.of("model", "upscaler"));
            }
        }
        return dir;
    }

    /** Writes the seeded weights of a model as safetensors files (what `imagine models generate` does). */
    public static void generate(String version, ModelPreset preset, Sampler.Kind sampler, Path dir) {
        long start = System.nanoTime();
        long seed = seedFor(version, preset);
        Recorder recorder = new Recorder(new GeneratedWeights(seed));
        // Building the networks through a recording source enumerates exactly the tensors they read.
        ModelConfig shapes = preset.config(version, sampler);
        new DitWeights(recorder, shapes, preset.depth(), ScalarTensorOps.INSTANCE);
        new TextEncoder(recorder, shapes, ScalarTensorOps.INSTANCE);
        new LatentDecoder(recorder, shapes, ScalarTensorOps.INSTANCE);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("version", version);
        meta.put("preset", preset.name());
        meta.put("sampler", sampler.name());
        meta.put("seed", Long.toUnsignedString(seed));
        recorder.write(dir, meta);
        try {
            ObjectNode config = JSON.createObjectNode();
            meta.forEach(config::put);
            config.put("hidden", preset.hiddenSize()).put("heads", preset.heads()).put("depth", preset.depth())
                    .put("textHidden", preset.textHidden()).put("textLayers", preset.textLayers())
                    .put("parameters", recorder.parameters);
            Files.write(dir.resolve("model.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.info("Generated {} {} weights ({} parameters) into {} in {} ms", version, preset, recorder.parameters, dir,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** The weight seed of a model: FNV-1a of "version/PRESET", mixed. */
    static long seedFor(String version, ModelPreset preset) {
        return SplitMix64.mix(SplitMix64.fnv1a64(version + "/" + preset.name()));
    }

    /** Passes generated tensors through and keeps them, per component, for writing. */
    private static final class Recorder implements WeightSource {
        private final WeightSource source;
        private final Map<String, SafeTensorsWriter> writers = new LinkedHashMap<>();
        private long parameters;

        Recorder(WeightSource source) {
            this.source = source;
        }

        @Override
        public float[] tensor(TensorSpec spec) {
            float[] values = source.tensor(spec);
            writers.computeIfAbsent(spec.component(), c -> new SafeTensorsWriter()).put(spec.name(), values, DType.F32, spec.shape());
            parameters += values.length;
            return values;
        }

        void write(Path dir, Map<String, String> metadata) {
            try {
                Files.createDirectories(dir);
                for (Map.Entry<String, SafeTensorsWriter> e : writers.entrySet()) {
                    metadata.forEach(e.getValue()::metadata);
                    e.getValue().write(FileWeights.file(dir, e.getKey()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write model files under " + dir + ": " + e.getMessage(), e);
            }
        }
    }
}
