package dev.imagine.kernels;

import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.weights.FileWeights;
import dev.imagine.kernels.weights.GeneratedWeights;
import dev.imagine.kernels.weights.WeightSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times DiT steps (one step = one batch-8 forward: four images, cond and uncond) and counts FLOPs per
 * grid, for {@code imagine bench kernels}. XL is timed whole (all 28 blocks, each with its own weights: 3.3 GB of
 * packed floats with the cross-attention) and per block (a 4-block forward less a 2-block one).
 */
public final class DitStepBench {
    private static final int BATCH = 8;
    private static final int TEXT_TOKENS = 16;
    private static final long WARM_UP_NANOS = 3_000_000_000L;
    /** How many parts a gang rank splits its batch into when it pipelines (see DitNetwork). */
    public static final int GANG_PARTS = DitNetwork.GANG_PARTS;

    private DitStepBench() {
    }

    /** The v8 SMALL model directory (generated on first use): what the PyTorch comparison loads. */
    public static Path smallModelDir(ModelStore store) {
        return store.ensure("v8", ModelPreset.SMALL, Sampler.Kind.RECTIFIED_FLOW);
    }

    /** Median ms of one SMALL step at 1:1 (16x16 latent, 64 tokens), weights from the model store. */
    public static double smallStepMillis(TensorOps ops, ModelStore store, int iterations) {
        try (FileWeights weights = new FileWeights(smallModelDir(store))) {
            return stepMillis(weights, ModelPreset.SMALL, ModelPreset.SMALL.depth(), 16, ops, iterations);
        }
    }

    /**
     * One XL block's time at a latent side (32: 256 tokens, 64: 1,024), taken as half the difference between a
     * 4-block and a 2-block forward on the same weights, so the embedders and the final layer cancel out. Built and
     * warmed once; each {@link #blockMillis()} runs one forward of each, for rounds that alternate with a peer's.
     */
    public static final class XlBlockProbe {
        private final Runnable two;
        private final Runnable four;

        public XlBlockProbe(TensorOps ops, int latent) {
            two = xlForward(2, latent, ops, null);
            four = xlForward(4, latent, ops, null);
            // Warm up until the JIT has compiled the Vector API kernels (C2 needs thousands of calls of each op).
            long warmUntil = System.nanoTime() + WARM_UP_NANOS;
            for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) {
                two.run();
                four.run();
            }
        }

        public double blockMillis() {
            long t0 = System.nanoTime();
            two.run();
            long t1 = System.nanoTime();
            four.run();
            long t2 = System.nanoTime();
            return Math.max(0, ((t2 - t1) - (t1 - t0)) / 2e6);
        }
    }

    /**
     * One XL forward (batch 8, {@code depth} blocks, a latent side of {@code latent}: 32 gives 256 tokens, 64 gives
     * 1,024) on this rank of {@code gang} (null: alone), ready to run again and again; for {@code bench sp}.
     */
    public static XlForward xlForward(int depth, int latent, TensorOps ops, dev.imagine.kernels.parallel.SequenceExchange gang) {
        return xlForward(depth, latent, ops, gang, gangParts(latent, gang == null ? 1 : gang.size()));
    }

    /** The parts a gang rank of an XL forward at this latent side splits its batch into (1: not pipelined). */
    public static int gangParts(int latent, int ranks) {
        long tokens = (long) (latent / 2) * (latent / 2);
        return DitNetwork.gangParts(tokens, BATCH, ModelPreset.XL.hiddenSize(), ranks);
    }

    /** As above, a gang rank's batch in {@code gangParts} parts (1: no exchange runs under compute). */
    public static XlForward xlForward(int depth, int latent, TensorOps ops, dev.imagine.kernels.parallel.SequenceExchange gang,
            int gangParts) {
        ModelPreset preset = ModelPreset.XL;
        GeneratedWeights weights = new GeneratedWeights(ModelStore.seedFor("v8", preset));
        DitNetwork network = new DitNetwork(new DitWeights(weights, preset.config("v8", Sampler.Kind.RECTIFIED_FLOW), depth, ops), ops);
        float[] states = new dev.imagine.kernels.SplitMix64(3).gaussians(BATCH * TEXT_TOKENS * preset.textHidden(), 1.0);
        int[] lengths = new int[BATCH];
        Arrays.fill(lengths, TEXT_TOKENS);
        DitNetwork.Workspace ws = network.workspace(latent, latent,
                new TextEncoder.Encoded(states, BATCH, TEXT_TOKENS, preset.textHidden(), lengths), gang, gangParts);
        float[] latents = new dev.imagine.kernels.SplitMix64(4).gaussians(BATCH * 4 * latent * latent, 1.0);
        float[] out = new float[latents.length];
        return new XlForward(() -> network.forward(ws, latents, 500, out), ws::overlapFraction);
    }

    /** A ready XL forward and, for a gang rank, the share of its exchange time hidden under compute so far. */
    public record XlForward(Runnable forward, java.util.function.DoubleSupplier overlap) implements Runnable {
        @Override
        public void run() {
            forward.run();
        }

        public double overlapFraction() {
            return overlap.getAsDouble();
        }
    }

    /** FLOPs per 2x2 grid at the preset's default request (1:1, --q 1, 16 text tokens). */
    public static long gridFlops(ModelPreset preset) {
        int side = (int) Math.round(Math.sqrt(preset.pixelsPerImage()));
        return FlopCount.grid(preset, side, side, preset.baseSteps(), TEXT_TOKENS);
    }

    private static double stepMillis(WeightSource weights, ModelPreset preset, int depth, int latent, TensorOps ops,
                                     int iterations) {
        DitNetwork network = new DitNetwork(new DitWeights(weights, preset.config("v8", Sampler.Kind.RECTIFIED_FLOW), depth, ops), ops);
        float[] states = new dev.imagine.kernels.SplitMix64(3).gaussians(BATCH * TEXT_TOKENS * preset.textHidden(), 1.0);
        int[] lengths = new int[BATCH];
        Arrays.fill(lengths, TEXT_TOKENS);
        DitNetwork.Workspace ws = network.workspace(latent, latent,
                new TextEncoder.Encoded(states, BATCH, TEXT_TOKENS, preset.textHidden(), lengths));
        float[] latents = new dev.imagine.kernels.SplitMix64(4).gaussians(BATCH * 4 * latent * latent, 1.0);
        float[] out = new float[latents.length];
        // Warm up until the JIT has compiled the Vector API kernels (C2 needs thousands of calls of each op).
        long warmUntil = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) {
            network.forward(ws, latents, 500, out);
        }
        double[] times = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            network.forward(ws, latents, 500, out);
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        return times[iterations / 2];
    }
}
