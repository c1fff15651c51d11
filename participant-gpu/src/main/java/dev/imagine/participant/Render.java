package dev.imagine.participant;

import dev.imagine.kernels.SamplingPlan;
import dev.imagine.kernels.parallel.SequenceExchange;

import dev.imagine.core.job.JobSpec;
import dev.imagine.core.moderation.ImageModeration;
import dev.imagine.core.store.ImageStore;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.GeneratedGrid;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.kernels.Upscaler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * What one job renders on its slot, from its spec: a grid from noise (a prompt, a reroll), a grid from one earlier
 * image's latents (a variation, a remix), or one earlier image at twice its size (an upscale). Sources are read from
 * the image store before the claim, so a job whose source is gone fails before it takes the slot.
 */
abstract class Render {
    /** The parent's image or latents are not in the store (deleted, or never written). */
    static final class SourceMissing extends Exception {
        SourceMissing(String message) {
            super(message);
        }
    }

    abstract int steps();

    abstract GeneratedGrid run(ProgressListener progress, CancellationToken cancel);

    /** This render as one rank of a sequence-parallel gang (only where {@link #splits} says it can be). */
    GeneratedGrid run(ProgressListener progress, CancellationToken cancel, SequenceExchange gang) {
        return run(progress, cancel);
    }

    /** Whether k ranks can share this render; every rank decides alike, from the spec and the model alone. */
    boolean splits(int ranks) {
        return ranks == 1;
    }

    /** A 2x2 grid (four images for the image check), or a single image. */
    abstract boolean isGrid();

    static Render of(JobSpec spec, SlotRuntime slot, ImageStore images) throws SourceMissing, IOException {
        JobSpec.Derivation from = spec.derivation();
        if (ModelRegistry.UPSCALER.equals(spec.modelVersion())) {
            return new Upscale(slot.upscaler(), cell(images, from));
        }
        GenerationRequest.Init init = null;
        if (from != null && from.source() != null) {
            byte[] latents = source(images, from, "latents");
            float[] all = GeneratedGrid.decode(latents);
            int per = all.length / 4;
            float[] one = java.util.Arrays.copyOfRange(all, (from.index() - 1) * per, from.index() * per);
            init = new GenerationRequest.Init(one, from.strength());
        }
        GenerationRequest request = new GenerationRequest(spec.prompt(), spec.negativePrompt(), spec.seed(),
                spec.aspectWidth(), spec.aspectHeight(), spec.quality(), spec.stylize(), spec.chaos(), init);
        return new Generate(slot.model(), request);
    }

    private static byte[] source(ImageStore images, JobSpec.Derivation from, String what) throws SourceMissing, IOException {
        return images.read(from.source()).orElseThrow(() -> new SourceMissing("the " + what + " of job "
                + from.parentId() + " (" + from.source() + ") are no longer in the image store")).bytes();
    }

    private static byte[] cell(ImageStore images, JobSpec.Derivation from) throws SourceMissing, IOException {
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(source(images, from, "grid")));
        if (grid == null) {
            throw new SourceMissing("the grid of job " + from.parentId() + " is not a readable PNG");
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(ImageModeration.cells(grid).get(from.index() - 1), "png", png);
        return png.toByteArray();
    }

    private static final class Generate extends Render {
        private final DiffusionModel model;
        private final GenerationRequest request;

        Generate(DiffusionModel model, GenerationRequest request) {
            this.model = model;
            this.request = request;
        }

        @Override
        int steps() {
            return model.steps(request);
        }

        @Override
        GeneratedGrid run(ProgressListener progress, CancellationToken cancel) {
            return model.generate(request, progress, cancel);
        }

        @Override
        GeneratedGrid run(ProgressListener progress, CancellationToken cancel, SequenceExchange gang) {
            return model.generate(request, progress, cancel, gang);
        }

        /** Ulysses gives each rank whole heads, and each needs at least one token of every image. */
        @Override
        boolean splits(int ranks) {
            if (ranks == 1) {
                return true;
            }
            SamplingPlan plan = model.plan(request);
            dev.imagine.kernels.ModelConfig config = model.config();
            int side = config.sideMultiple();
            int tokens = (plan.imageWidth() / side) * (plan.imageHeight() / side);
            return config.heads() % ranks == 0 && tokens >= ranks;
        }

        @Override
        boolean isGrid() {
            return true;
        }
    }

    private static final class Upscale extends Render {
        private final Upscaler upscaler;
        private final byte[] cellPng;

        Upscale(Upscaler upscaler, byte[] cellPng) {
            this.upscaler = upscaler;
            this.cellPng = cellPng;
        }

        @Override
        int steps() {
            return 1;
        }

        @Override
        GeneratedGrid run(ProgressListener progress, CancellationToken cancel) {
            long start = System.nanoTime();
            cancel.throwIfCancelled();
            byte[] png = upscaler.upscalePng(cellPng);
            BufferedImage out;
            try {
                out = ImageIO.read(new ByteArrayInputStream(png));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            progress.onStep(1, 1, null);
            return new GeneratedGrid(png, out.getWidth(), out.getHeight(), 1, (System.nanoTime() - start) / 1_000_000);
        }

        @Override
        boolean isGrid() {
            return false;
        }
    }
}
