package dev.imagine.kernels.shapes;

import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.GeneratedGrid;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.kernels.SplitMix64;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;

/**
 * {@code imagine eval}: renders fresh seeded prompts of the vocabulary through the Java engine, default flags,
 * and scores each of the grid's four images with the {@link ShapeChecker}. The prompts cycle through the four
 * prompt forms; scenes and job seeds come from one seed, so a run is reproducible.
 */
public final class ShapeEval {
    private ShapeEval() {}

    /** Accuracies per attribute and "all", over every image of every grid. */
    public record Result(Map<String, Double> accuracy, int prompts, int images, long millis) {
    }

    public static Result run(DiffusionModel model, int prompts, long seed, IntConsumer progress) {
        SplitMix64 rng = new SplitMix64(seed);
        List<ShapeChecker.Reading> readings = new ArrayList<>();
        List<Scene> asked = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < prompts; i++) {
            Scene scene = Scene.random(rng);
            long jobSeed = rng.nextLong() >>> 33;
            GenerationRequest request = new GenerationRequest(scene.prompt(i), "", jobSeed, 1, 1, 1.0, 100, 0);
            GeneratedGrid grid = model.generate(request, ProgressListener.NONE, null);
            for (int[] image : quarters(grid.png())) {
                int side = (int) Math.round(Math.sqrt(image.length));
                readings.add(ShapeChecker.check(image, side));
                asked.add(scene);
            }
            progress.accept(i + 1);
        }
        Map<String, Double> accuracy = new LinkedHashMap<>(ShapeChecker.score(readings, asked));
        return new Result(accuracy, prompts, readings.size(), (System.nanoTime() - start) / 1_000_000);
    }

    /** The grid PNG's four images (0 1 / 2 3) as packed RGB. */
    static List<int[]> quarters(byte[] png) {
        BufferedImage grid;
        try {
            grid = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int w = grid.getWidth() / 2;
        int h = grid.getHeight() / 2;
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] rgb = grid.getRGB((i % 2) * w, (i / 2) * h, w, h, null, 0, w);
            for (int p = 0; p < rgb.length; p++) {
                rgb[p] &= 0xffffff;
            }
            out.add(rgb);
        }
        return out;
    }
}
