package dev.imagine.kernels.gpu;

import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.ops.Weight;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A device check for a GPU machine: lists the OpenCL devices Aparapi sees, runs the Aparapi backend on
 * the best one, compares matmul and attention with the scalar reference on DiT-like shapes, and times them.
 * Prints key=value lines ({@code aparapi_device}, {@code aparapi_matmul_gflops},
 * {@code aparapi_attention_gflops}, the max relative errors, {@code aparapi_check=ok}); exits 1 when the
 * results disagree with the reference or OpenCL is missing, 2 on bad arguments.
 *
 * <p>Shapes: DiT-XL/2 (hidden 1152, 16 heads of 72, MLP 4608) with 8 items of 256 tokens (4 images with
 * classifier-free guidance) on a GPU; {@code --quick}, or a CPU-only OpenCL such as PoCL, uses a small
 * config (hidden 384, 6 heads of 64, 2 items). The reference is computed for the first rows and the first
 * item only: the scalar loops would take minutes on XL shapes. Timings include the per-call activation
 * transfers, as the model sees them.
 */
public final class GpuCheck {
    private static final double TOLERANCE = 1e-4;

    private record Config(String name, int batch, int tokens, int heads, int headDim, int mlp, int textTokens) {
        int hidden() {
            return heads * headDim;
        }
    }

    private static final Config XL = new Config("xl", 8, 256, 16, 72, 4608, 77);
    private static final Config SMALL = new Config("small", 2, 256, 6, 64, 1536, 77);

    private GpuCheck() {
    }

    public static void main(String[] args) {
        boolean quick = false;
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else {
                System.err.println("usage: GpuCheck [--quick]");
                System.exit(2);
            }
        }
        System.exit(run(quick, System.out) ? 0 : 1);
    }

    static boolean run(boolean quick, PrintStream out) {
        OpenClDevices found = OpenClDevices.discover();
        out.println("aparapi_opencl=" + found.summary());
        for (int i = 0; i < found.devices().size(); i++) {
            OpenClDevices.Found d = found.devices().get(i);
            out.println("aparapi_device_" + i + "=" + d.describe() + "; " + d.details());
        }
        OpenClDevices.Found chosen = found.chosen();
        if (chosen == null) {
            out.println("aparapi_check=FAILED no OpenCL device: " + found.whyNone());
            return false;
        }
        Config config = quick || !chosen.gpu() ? SMALL : XL;
        out.println("aparapi_device=" + chosen.describe());
        out.println("aparapi_config=" + config);
        try (AparapiTensorOps ops = new AparapiTensorOps(chosen)) {
            out.println("aparapi_execution_mode=" + ops.executionMode());
            boolean ok = checkMatmul(ops, config, out);
            ok &= checkAttention(ops, config, out);
            out.println("aparapi_check=" + (ok ? "ok" : "FAILED (max relative error above " + TOLERANCE + ")"));
            return ok;
        }
    }

    private static boolean checkMatmul(TensorOps ops, Config c, PrintStream out) {
        int m = c.batch() * c.tokens();
        int k = c.hidden();
        int n = c.mlp();
        float[] a = gaussians(1, m * k);
        float[] w = gaussians(2, k * n);
        float[] bias = gaussians(3, n);
        float[] result = new float[m * n];
        Weight weight = ops.prepare(w, k, n);
        double seconds = time(() -> ops.matmul(a, m, weight, bias, result));
        int rows = Math.min(m, 64);
        float[] expected = new float[rows * n];
        ScalarTensorOps ref = ScalarTensorOps.INSTANCE;
        ref.matmul(Arrays.copyOf(a, rows * k), rows, ref.prepare(w, k, n), bias, expected);
        double error = maxRelativeError(expected, result, rows * n);
        out.printf(Locale.ROOT, "aparapi_matmul_shape=%dx%dx%d%n", m, k, n);
        out.printf(Locale.ROOT, "aparapi_matmul_ms=%.3f%n", seconds * 1e3);
        out.printf(Locale.ROOT, "aparapi_matmul_gflops=%.2f%n", 2.0 * m * k * n / seconds / 1e9);
        out.printf(Locale.ROOT, "aparapi_matmul_max_rel_err=%.3g%n", error);
        return error <= TOLERANCE;
    }

    private static boolean checkAttention(TensorOps ops, Config c, PrintStream out) {
        AttentionShape self = AttentionShape.selfAttention(c.batch(), c.tokens(), c.heads(), c.headDim());
        float[] qkv = gaussians(4, c.batch() * c.tokens() * 3 * c.hidden());
        float[] result = new float[c.batch() * c.tokens() * c.hidden()];
        double seconds = time(() -> ops.attention(self, qkv, qkv, qkv, result));
        // Items are independent: the reference for item 0 is the same call with batch 1.
        AttentionShape first = AttentionShape.selfAttention(1, c.tokens(), c.heads(), c.headDim());
        float[] expected = new float[c.tokens() * c.hidden()];
        ScalarTensorOps.INSTANCE.attention(first, qkv, qkv, qkv, expected);
        double selfError = maxRelativeError(expected, result, expected.length);

        int[] lengths = new int[c.batch()];
        Arrays.fill(lengths, c.textTokens());
        lengths[0] = c.textTokens() / 3;
        AttentionShape cross = AttentionShape.crossAttention(c.batch(), c.tokens(), c.textTokens(), c.heads(),
                c.headDim(), lengths);
        float[] q = gaussians(5, c.batch() * c.tokens() * c.hidden());
        float[] kv = gaussians(6, c.batch() * c.textTokens() * 2 * c.hidden());
        ops.attention(cross, q, kv, kv, result);
        AttentionShape crossFirst = AttentionShape.crossAttention(1, c.tokens(), c.textTokens(), c.heads(),
                c.headDim(), lengths);
        ScalarTensorOps.INSTANCE.attention(crossFirst, q, kv, kv, expected);
        double crossError = maxRelativeError(expected, result, expected.length);

        out.printf(Locale.ROOT, "aparapi_attention_shape=b%d_t%d_h%d_d%d%n", c.batch(), c.tokens(), c.heads(),
                c.headDim());
        out.printf(Locale.ROOT, "aparapi_attention_ms=%.3f%n", seconds * 1e3);
        out.printf(Locale.ROOT, "aparapi_attention_gflops=%.2f%n", self.flops() / seconds / 1e9);
        out.printf(Locale.ROOT, "aparapi_attention_max_rel_err=%.3g%n", selfError);
        out.printf(Locale.ROOT, "aparapi_cross_attention_max_rel_err=%.3g%n", crossError);
        return selfError <= TOLERANCE && crossError <= TOLERANCE;
    }

    /** Seconds per call: one warm-up (compiles the kernel), then repeats for at least half a second. */
    private static double time(Runnable call) {
        call.run();
        int reps = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            call.run();
            reps++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < 500_000_000L && reps < 50);
        return elapsed / 1e9 / reps;
    }

    /** max |expected - actual| over max |expected|: the scale the conformance tests use. */
    public static double maxRelativeError(float[] expected, float[] actual, int n) {
        double scale = 1e-3;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double diff = Math.abs(expected[i] - actual[i]);
            worst = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : Math.max(worst, diff);
        }
        return worst / scale;
    }

    private static float[] gaussians(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * 0.5);
        }
        return values;
    }
}
