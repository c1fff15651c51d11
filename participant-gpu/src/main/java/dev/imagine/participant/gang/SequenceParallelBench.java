package dev.imagine.participant.gang;

import dev.imagine.kernels.DitStepBench;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ops.Backends;
import dev.imagine.kernels.ops.TensorOps;
import dev.imagine.kernels.parallel.ExchangeTag;
import dev.imagine.kernels.parallel.SequenceExchange;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * {@code imagine bench sp}: one DiT-XL/2-shaped step (batch 8) on one rank against the same step on a gang of two,
 * each rank a one-thread backend with its own Netty endpoint on loopback, tensors as Arrow frames. A step is timed
 * on {@code blocks} blocks and scaled to XL's 28 (the rest of a forward is under 1% of it); the ratio is what counts.
 */
public final class SequenceParallelBench {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private SequenceParallelBench() {
    }

    /** key=value lines, each handed to {@code out} as soon as it is known. */
    public static Map<String, String> run(boolean quick, Consumer<String> out) throws Exception {
        int blocks = quick ? 1 : 2;
        int iterations = quick ? 2 : 4;
        Map<String, String> lines = new LinkedHashMap<>();
        put(lines, out, "blocks_timed", Integer.toString(blocks));
        put(lines, out, "threads_per_rank", "1");
        for (int latent : new int[] {32, 64}) {
            int tokens = (latent / 2) * (latent / 2);
            String suffix = "_xl" + tokens;
            double scale = (double) ModelPreset.XL.depth() / blocks;
            double one;
            try (TensorOps ops = Backends.create(1)) {
                Runnable forward = DitStepBench.xlForward(blocks, latent, ops, null);
                one = median(time(forward, iterations)) * scale;
            }
            put(lines, out, "sp1_step_ms" + suffix, fmt(one));
            // pipelined (two parts: one part's exchange under the other's compute) and not, in the same run; the
            // step is the one the gang renders with (DitNetwork pipelines from a size up)
            Gang piped = gangOfTwo(blocks, latent, iterations, DitStepBench.GANG_PARTS);
            Gang plain = gangOfTwo(blocks, latent, iterations, 1);
            boolean pipelines = DitStepBench.gangParts(latent, 2) > 1;
            Gang two = pipelines ? piped : plain;
            double twoMs = two.stepMillis * scale;
            put(lines, out, "sp2_step_ms" + suffix, fmt(twoMs));
            put(lines, out, "sp2_speedup" + suffix, fmt(one / twoMs));
            // per step: every block's two all-to-alls scaled to 28 blocks, the one gather per step as measured
            long perStep = Math.round((two.bytesPerForward - two.gatherBytes) * scale) + two.gatherBytes;
            put(lines, out, "bytes_per_step" + suffix, Long.toString(perStep));
            put(lines, out, "exchange_fraction" + suffix, fmt(two.exchangeFraction));
            put(lines, out, "pipelined" + suffix, Boolean.toString(pipelines));
            put(lines, out, "overlap_fraction" + suffix, fmt(two.overlapFraction));
            put(lines, out, "sp2_step_ms_pipelined" + suffix, fmt(piped.stepMillis * scale));
            put(lines, out, "sp2_step_ms_unpipelined" + suffix, fmt(plain.stepMillis * scale));
            put(lines, out, "pipelined_vs_unpipelined" + suffix, fmt(plain.stepMillis / piped.stepMillis));
            put(lines, out, "overlap_fraction_pipelined" + suffix, fmt(piped.overlapFraction));
        }
        // what one exchange costs before any payload: the floor under every small gang step
        put(lines, out, "exchange_us_16_floats", fmt(smallExchangeMicros(quick ? 2_000 : 5_000)));
        put(lines, out, "gang_transport", GangServer.transport());
        return lines;
    }

    /** Mean microseconds of an exchange of 16 floats between two ranks on loopback, after as many to warm up. */
    private static double smallExchangeMicros(int exchanges) throws Exception {
        List<Double> micros = onTwoRanks("bench-sp-small", (rank, exchange) -> {
            float[][] send = new float[2][];
            float[][] receive = new float[2][];
            send[1 - rank] = new float[16];
            receive[1 - rank] = new float[16];
            for (int i = 0; i < exchanges; i++) {
                exchange.exchange(new ExchangeTag(i, 0, ExchangeTag.Phase.QKV), send, receive);
            }
            long start = System.nanoTime();
            for (int i = 0; i < exchanges; i++) {
                exchange.exchange(new ExchangeTag(exchanges + i, 0, ExchangeTag.Phase.QKV), send, receive);
            }
            return (System.nanoTime() - start) / 1e3 / exchanges;
        });
        return Math.max(micros.get(0), micros.get(1));
    }

    /** What one rank of a two-rank loopback gang does with its exchange. */
    private interface RankBody<T> {
        T run(int rank, NettyExchange exchange) throws Exception;
    }

    /** Runs {@code body} on two ranks at once, each with its own Netty endpoint on loopback; their results in rank order. */
    private static <T> List<T> onTwoRanks(String job, RankBody<T> body) throws Exception {
        List<GangServer> servers = List.of(GangServer.start("127.0.0.1", 0), GangServer.start("127.0.0.1", 0));
        List<InetSocketAddress> peers = servers.stream().map(GangServer::address).toList();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<T>> ranks = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                ranks.add(pool.submit(() -> {
                    try (NettyExchange exchange = new NettyExchange(servers.get(rank), job, 1, rank, peers, TIMEOUT)) {
                        return body.run(rank, exchange);
                    }
                }));
            }
            return List.of(ranks.get(0).get(), ranks.get(1).get());
        } finally {
            pool.shutdownNow();
            servers.forEach(GangServer::close);
        }
    }

    /**
     * exchangeFraction: the exchanges' time on the transport against the step; overlapFraction: the share of it the
     * compute thread did not wait for (both ranks' mean).
     */
    private record Gang(double stepMillis, long bytesPerForward, long gatherBytes, double exchangeFraction,
            double overlapFraction) {
    }

    private static Gang gangOfTwo(int blocks, int latent, int iterations, int parts) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<double[]> ranks = onTwoRanks("bench-sp", (rank, exchange) -> {
            try (TensorOps ops = Backends.create(1)) {
                DitStepBench.XlForward forward = DitStepBench.xlForward(blocks, latent, ops, exchange, parts);
                forward.run(); // warm-up, and the connections
                SequenceExchange.TransferStats before = exchange.stats();
                double[] times = new double[iterations];
                for (int i = 0; i < iterations; i++) {
                    barrier.await();
                    long start = System.nanoTime();
                    forward.run();
                    times[i] = (System.nanoTime() - start) / 1e6;
                }
                SequenceExchange.TransferStats after = exchange.stats();
                double bytes = (double) (after.bytesSent() - before.bytesSent()) / iterations;
                double waitMs = (after.waitNanos() - before.waitNanos()) / 1e6 / iterations;
                return new double[] {median(times), bytes, waitMs, forward.overlapFraction()};
            }
        });
        double[] zero = ranks.get(0);
        double[] one = ranks.get(1);
        double step = Math.max(zero[0], one[0]);
        // the gather frame: this rank's patches of the final layer (batch 8, half the tokens, 16 values each)
        int tokens = (latent / 2) * (latent / 2);
        long gather = 8L * (tokens / 2) * 16 * 4;
        return new Gang(step, Math.round(zero[1]), gather, zero[2] / zero[0], (zero[3] + one[3]) / 2);
    }

    private static double[] time(Runnable forward, int iterations) {
        forward.run();
        double[] times = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            forward.run();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        return times;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static void put(Map<String, String> lines, Consumer<String> out, String key, String value) {
        lines.put(key, value);
        out.accept(key + "=" + value);
    }
}
