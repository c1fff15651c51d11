package dev.imagine.kernels.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A model directory of safetensors files, one per component ({@code transformer.safetensors},
 * {@code text_encoder.safetensors}, {@code vae.safetensors}, …), memory-mapped on first use.
 */
public final class FileWeights implements WeightSource {
    private final Path dir;
    private final Map<String, SafeTensorsFile> files = new HashMap<>();

    public FileWeights(Path dir) {
        this.dir = dir;
    }

    public static Path file(Path dir, String component) {
        return dir.resolve(component + ".safetensors");
    }

    @Override
    public synchronized float[] tensor(TensorSpec spec) {
        SafeTensorsFile file = files.computeIfAbsent(spec.component(), component -> {
            Path path = file(dir, component);
            if (!Files.isRegularFile(path)) {
                throw new WeightsException("model directory " + dir + " has no " + path.getFileName()
                        + "; generate the preset's weights with `ops/imagine models generate` or copy a checkpoint there");
            }
            return SafeTensorsFile.open(path);
        });
        return file.floats(spec.name(), spec.shape());
    }

    @Override
    public synchronized void close() {
        files.values().forEach(SafeTensorsFile::close);
        files.clear();
    }
}
