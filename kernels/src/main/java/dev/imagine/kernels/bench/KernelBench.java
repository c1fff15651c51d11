package dev.imagine.kernels.bench;

import dev.imagine.kernels.SplitMix64;
import dev.imagine.kernels.cpu.VectorTensorOps;
import dev.imagine.kernels.ops.AttentionShape;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.ops.Weight;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * CPU kernel benchmark: this machine's FP32 FMA ceiling and what the vector backend's matmul and
 * attention reach against it, plus the scalar reference as the in-process baseline. Prints
 * {@code key=value} lines. Every figure is the median of several timed runs after a warm-up; ratios
 * are taken within the same run, so a busy machine skews them less than the absolute numbers.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp ... dev.imagine.kernels.bench.KernelBench [--quick] [--threads N]</pre>
 */
public final class KernelBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** DiT-XL/2 linear at 256 tokens, 2 images: [512 x 1152] · [1152 x 1152]. */
    private static final int M = 512;
    private static final int K = 1152;
    private static final int N = 1152;
    /** About 10 ms of FMA loop per thread. */
    private static final long PEAK_ITERATIONS = 5_000_000;
    /**
     * Warm-up per workload, however short its timed runs: C2 compiles the 14-row matmul tile only after about a
     * second of calls (a 0.12 s warm-up timed it at a quarter of its speed in the first rounds).
     */
    private static final double WARM_UP_SECONDS = 1.5;

    private KernelBench() {}

    public static void main(String[] args) {
        boolean quick = false;
        int threads = defaultThreads();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: KernelBench [--quick] [--threads N]");
            }
        }
        run(quick, threads).forEach((key, value) -> System.out.println(key + "=" + value));
    }

    /** Both cores of the 2-core build machines; at most 2 elsewhere, so figures stay comparable. */
    public static int defaultThreads() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    public static Map<String, String> run(boolean quick) {
        return run(quick, defaultThreads());
    }

    public static Map<String, String> run(boolean quick, int threads) {
        int rounds = quick ? 5 : 11;
        double seconds = quick ? 0.12 : 0.3;
        Map<String, String> out = new LinkedHashMap<>();
        out.put("threads", Integer.toString(threads));
        out.put("vector_species", S.vectorBitSize() + "-bit x " + S.length() + " floats");
        out.put("matmul_shape", M + "x" + K + "x" + N);
        AttentionShape dit = AttentionShape.selfAttention(8, 256, 16, 72);
        AttentionShape small = AttentionShape.selfAttention(4, 256, 8, 64);
        out.put("attention_shape", "self b=8 t=256 h=16 d=72");

        float[] a = new SplitMix64(1).gaussians(M * K, 1.0);
        float[] w = new SplitMix64(2).gaussians(K * N, 1.0);
        float[] bias = new SplitMix64(3).gaussians(N, 1.0);
        float[] c = new float[M * N];
        double matmulFlops = 2.0 * M * K * N;
        float[] qkv = new SplitMix64(4).gaussians(dit.batch() * dit.qTokens() * dit.qStride(), 1.0);
        float[] o = new float[dit.batch() * dit.qTokens() * dit.hidden()];
        // an XL MLP's first matmul (256 tokens, batch 8), for the A/B of packing A
        int xlM = 2048;
        int xlK = 1152;
        int xlN = 4608;
        float[] xlA = new SplitMix64(5).gaussians(xlM * xlK, 1.0);
        float[] xlC = new float[xlM * xlN];
        double xlFlops = 2.0 * xlM * xlK * xlN;
        try (TensorOps ops = new VectorTensorOps(threads); TensorOps one = new VectorTensorOps(1);
             TensorOps rowMajor = new VectorTensorOps(threads, false)) {
            Weight pw = ops.prepare(w, K, N);
            Weight xlW = ops.prepare(new SplitMix64(6).gaussians(xlK * xlN, 0.1), xlK, xlN);
            // Interleaved rounds: each round times every workload once, so the ceiling and the kernels
            // see the same competing load on a shared machine; ratios are taken within a round.
            List<Workload> workloads = List.of(
                    Workload.selfTimed(() -> fmaTeam(threads, PEAK_ITERATIONS)),
                    Workload.timed(matmulFlops, () -> ops.matmul(a, M, pw, bias, c)),
                    Workload.timed(dit.flops(), () -> ops.attention(dit, qkv, qkv, qkv, o)),
                    Workload.timed(small.flops(), () -> ops.attention(small, qkv, qkv, qkv, o)),
                    Workload.selfTimed(() -> fmaTeam(1, PEAK_ITERATIONS)),
                    Workload.timed(matmulFlops, () -> one.matmul(a, M, pw, bias, c)),
                    Workload.timed(matmulFlops, () -> rowMajor.matmul(a, M, pw, bias, c)),
                    Workload.timed(xlFlops, () -> ops.matmul(xlA, xlM, xlW, null, xlC)),
                    Workload.timed(xlFlops, () -> rowMajor.matmul(xlA, xlM, xlW, null, xlC)));
            double[][] rates = measure(workloads, rounds, seconds);
            out.put("peak_gflops", fmt(median(rates[0])));
            out.put("peak_gflops_1t", fmt(median(rates[4])));
            out.put("matmul_gflops", fmt(median(rates[1])));
            out.put("matmul_peak_ratio", ratio(rates[1], rates[0]));
            out.put("matmul_gflops_1t", fmt(median(rates[5])));
            out.put("matmul_peak_ratio_1t", ratio(rates[5], rates[4]));
            out.put("attention_gflops", fmt(median(rates[2])));
            out.put("attention_peak_ratio", ratio(rates[2], rates[0]));
            out.put("attention_gflops_4x8x256x64", fmt(median(rates[3])));
            // the same matmuls with A left row-major: what packing A buys (1.0 where the CPU does not pack)
            out.put("matmul_packed_vs_rowmajor", ratio(rates[1], rates[6]));
            out.put("matmul_packed_vs_rowmajor_range", range(rates[1], rates[6]));
            out.put("matmul_gflops_xl_mlp", fmt(median(rates[7])));
            out.put("matmul_packed_vs_rowmajor_xl_mlp", ratio(rates[7], rates[8]));
            out.put("matmul_packed_vs_rowmajor_xl_mlp_range", range(rates[7], rates[8]));

            TensorOps ref = ScalarTensorOps.INSTANCE;
            Weight rw = ref.prepare(w, K, N);
            double[][] scalar = measure(List.of(
                    Workload.timed(matmulFlops, () -> ref.matmul(a, M, rw, bias, c)),
                    Workload.timed(matmulFlops, () -> one.matmul(a, M, pw, bias, c))), 3, seconds);
            out.put("scalar_matmul_gflops", fmt(median(scalar[0])));
            // Single thread against single thread: the scalar reference has no threads of its own.
            out.put("vector_vs_scalar_matmul", String.format(Locale.ROOT, "%.1f", median(scalar[1]) / median(scalar[0])));
        }
        return out;
    }

    /**
     * The bench's matmul ({@value #M}x{@value #K}x{@value #N}, the shape the NumPy and PyTorch peers multiply) on
     * {@code ops}, ready to be timed in rounds that alternate with a peer's: {@code gflops(calls)} runs it that many
     * times and returns the rate.
     */
    public static java.util.function.IntToDoubleFunction matmulProbe(TensorOps ops) {
        float[] a = new SplitMix64(1).gaussians(M * K, 1.0);
        Weight w = ops.prepare(new SplitMix64(2).gaussians(K * N, 1.0), K, N);
        float[] bias = new SplitMix64(3).gaussians(N, 1.0);
        float[] c = new float[M * N];
        return calls -> {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                ops.matmul(a, M, w, bias, c);
            }
            return 2.0 * M * K * N * calls / (System.nanoTime() - start);
        };
    }

    /** A timed call; one that measures itself (the FMA team) returns its GFLOP/s, others NaN. */
    private interface Call {
        double run();
    }

    private record Workload(double flopsPerCall, Call call) {
        static Workload timed(double flopsPerCall, Runnable call) {
            return new Workload(flopsPerCall, () -> {
                call.run();
                return Double.NaN;
            });
        }

        static Workload selfTimed(Call call) {
            return new Workload(Double.NaN, call);
        }
    }

    /**
     * Warms every workload up (at least {@link #WARM_UP_SECONDS} and 3 calls), sizes its runs to about
     * {@code seconds}, then times {@code rounds} rounds of one run per workload: GFLOP/s [workload][round].
     */
    private static double[][] measure(List<Workload> workloads, int rounds, double seconds) {
        int[] calls = new int[workloads.size()];
        for (int i = 0; i < calls.length; i++) {
            Call call = workloads.get(i).call();
            long t0 = System.nanoTime();
            int n = 0;
            while (System.nanoTime() - t0 < Math.max(seconds, WARM_UP_SECONDS) * 1e9 || n < 3) {
                call.run();
                n++;
            }
            long t1 = System.nanoTime();
            call.run();
            double perCall = System.nanoTime() - t1;
            calls[i] = (int) Math.max(1, Math.min(n, seconds * 1e9 / perCall));
        }
        double[][] rates = new double[workloads.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < calls.length; i++) {
                Workload wl = workloads.get(i);
                long start = System.nanoTime();
                double self = 0;
                for (int j = 0; j < calls[i]; j++) {
                    self += wl.call().run();
                }
                rates[i][r] = Double.isNaN(self) ? wl.flopsPerCall() * calls[i] / (System.nanoTime() - start)
                        : self / calls[i];
            }
        }
        return rates;
    }

    /** The lowest and highest per-round ratio, "0.95-1.08". */
    private static String range(double[] rates, double[] baseline) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < rates.length; i++) {
            lo = Math.min(lo, rates[i] / baseline[i]);
            hi = Math.max(hi, rates[i] / baseline[i]);
        }
        return String.format(Locale.ROOT, "%.3f-%.3f", lo, hi);
    }

    private static String ratio(double[] rates, double[] ceiling) {
        double[] ratios = new double[rates.length];
        for (int i = 0; i < rates.length; i++) {
            ratios[i] = rates[i] / ceiling[i];
        }
        return String.format(Locale.ROOT, "%.3f", median(ratios));
    }

    /**
     * The FP32 FMA ceiling: {@code threads} threads, started together, each run {@link #fmaLoop}: 12
     * independent vector FMA chains (12 accumulator registers, more than FMA latency x pipes = 4 x 2
     * needs, so both FMA pipes stay busy) and no memory traffic. FLOPs = threads x iterations x 12 x
     * lanes x 2. Each thread times its own loop and the rates add up, so a thread that started late
     * (thread start-up, a busy machine) does not count as slow hardware.
     */
    private static double fmaTeam(int threads, long iterations) {
        CyclicBarrier barrier = new CyclicBarrier(threads);
        long[] elapsed = new long[threads];
        float[] sink = new float[threads];
        Thread[] team = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            team[t] = new Thread(() -> {
                try {
                    barrier.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long start = System.nanoTime();
                sink[id] = fmaLoop(iterations, id + 1f);
                elapsed[id] = System.nanoTime() - start;
            }, "kernel-bench-peak-" + t);
            team[t].start();
        }
        double gflops = 0;
        try {
            for (Thread t : team) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (int t = 0; t < threads; t++) {
            if (Float.isNaN(sink[t])) {
                throw new IllegalStateException("FMA loop produced NaN");
            }
            gflops += 2.0 * 12 * S.length() * iterations / elapsed[t];
        }
        return gflops;
    }

    private static float fmaLoop(long iterations, float seed) {
        FloatVector x = FloatVector.broadcast(S, 0.999f);
        FloatVector y = FloatVector.broadcast(S, seed * 1e-3f);
        FloatVector c0 = FloatVector.broadcast(S, seed);
        FloatVector c1 = c0.add(1f);
        FloatVector c2 = c0.add(2f);
        FloatVector c3 = c0.add(3f);
        FloatVector c4 = c0.add(4f);
        FloatVector c5 = c0.add(5f);
        FloatVector c6 = c0.add(6f);
        FloatVector c7 = c0.add(7f);
        FloatVector c8 = c0.add(8f);
        FloatVector c9 = c0.add(9f);
        FloatVector c10 = c0.add(10f);
        FloatVector c11 = c0.add(11f);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(x, y);
            c1 = c1.fma(x, y);
            c2 = c2.fma(x, y);
            c3 = c3.fma(x, y);
            c4 = c4.fma(x, y);
            c5 = c5.fma(x, y);
            c6 = c6.fma(x, y);
            c7 = c7.fma(x, y);
            c8 = c8.fma(x, y);
            c9 = c9.fma(x, y);
            c10 = c10.fma(x, y);
            c11 = c11.fma(x, y);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .lane(0);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String fmt(double gflops) {
        return String.format(Locale.ROOT, "%.1f", gflops);
    }
}
