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
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        int rounds = quick ? 3 : 5;
        Map<String, String> lines = new LinkedHashMap<>();
        put(lines, out, "blocks_timed", Integer.toString(blocks));
        put(lines, out, "threads_per_rank", "1");
        put(lines, out, "rounds", Integer.toString(rounds));
        for (int latent : new int[] {32, 64}) {
            int tokens = (latent / 2) * (latent / 2);
            String suffix = "_xl" + tokens;
            double scale = (double) ModelPreset.XL.depth() / blocks;
            double[] one = new double[rounds];
            double[] coRun = new double[rounds];
            double[] pipedMs = new double[rounds];
            double[] plainMs = new double[rounds];
            Gang piped;
            Gang plain;
            // one rank, the gang pipelined (two parts: one part's exchange under the other's compute) and not, in
            // interleaved rounds: the ratios are taken per round, so a neighbour that slows the machine for a while
            // slows both sides of a ratio
            ExecutorService beside = Executors.newSingleThreadExecutor();
            try (TensorOps ops = Backends.create(1);
                 TensorOps otherOps = Backends.create(1);
                 GangRounds pipedGang = new GangRounds(blocks, latent, DitStepBench.GANG_PARTS);
                 GangRounds plainGang = new GangRounds(blocks, latent, 1)) {
                Runnable forward = DitStepBench.xlForward(blocks, latent, ops, null);
                Runnable other = DitStepBench.xlForward(blocks, latent, otherOps, null);
                forward.run();
                other.run();
                pipedGang.awaitReady();
                plainGang.awaitReady();
                for (int r = 0; r < rounds; r++) {
                    long start = System.nanoTime();
                    forward.run();
                    one[r] = (System.nanoTime() - start) / 1e6;
                    coRun[r] = coRunMillis(forward, other, beside);
                    pipedMs[r] = pipedGang.step();
                    plainMs[r] = plainGang.step();
                }
                piped = pipedGang.finish();
                plain = plainGang.finish();
            } finally {
                beside.shutdownNow();
            }
            boolean pipelines = DitStepBench.gangParts(latent, 2) > 1;
            Gang two = pipelines ? piped : plain;
            double[] twoMs = pipelines ? pipedMs : plainMs;
            put(lines, out, "sp1_step_ms" + suffix, fmt(median(one) * scale));
            put(lines, out, "sp2_step_ms" + suffix, fmt(median(twoMs) * scale));
            double[] speedups = ratios(one, twoMs);
            put(lines, out, "sp2_speedup" + suffix, fmt(median(speedups)));
            put(lines, out, "sp2_speedup_range" + suffix, range(speedups));
            // what the machine allows: two whole single-rank steps at once, one per core, against one alone. A gang
            // of two does half the work per rank, so it cannot beat 2 / that slowdown without its exchanges at all
            double slowdown = median(ratios(coRun, one));
            put(lines, out, "corun_slowdown" + suffix, fmt(slowdown));
            put(lines, out, "sp2_ceiling" + suffix, fmt(2 / slowdown));
            put(lines, out, "sp2_of_ceiling" + suffix, fmt(median(speedups) * slowdown / 2));
            // per step: every block's two all-to-alls scaled to 28 blocks, the one gather per step as measured
            long perStep = Math.round((two.bytesPerForward - two.gatherBytes) * scale) + two.gatherBytes;
            put(lines, out, "bytes_per_step" + suffix, Long.toString(perStep));
            put(lines, out, "exchange_fraction" + suffix, fmt(two.exchangeFraction));
            put(lines, out, "pipelined" + suffix, Boolean.toString(pipelines));
            put(lines, out, "overlap_fraction" + suffix, fmt(two.overlapFraction));
            put(lines, out, "sp2_step_ms_pipelined" + suffix, fmt(median(pipedMs) * scale));
            put(lines, out, "sp2_step_ms_unpipelined" + suffix, fmt(median(plainMs) * scale));
            double[] pipelineGains = ratios(plainMs, pipedMs);
            put(lines, out, "pipelined_vs_unpipelined" + suffix, fmt(median(pipelineGains)));
            put(lines, out, "pipelined_vs_unpipelined_range" + suffix, range(pipelineGains));
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
    private record Gang(long bytesPerForward, long gatherBytes, double exchangeFraction,
            double overlapFraction) {
    }

    /**
     * A gang of two kept alive between rounds: {@link #step} runs one forward on both ranks (they start together)
     * and returns the slower rank's milliseconds; between steps the ranks wait, so the other side of a ratio runs
     * alone on the machine.
     */
    private static final class GangRounds implements AutoCloseable {
        private final CyclicBarrier ready = new CyclicBarrier(3);
        private final CyclicBarrier go = new CyclicBarrier(3);
        private final CyclicBarrier done = new CyclicBarrier(3);
        private final double[] last = new double[2];
        private final int latent;
        private final ExecutorService driver = Executors.newSingleThreadExecutor();
        private final Future<List<double[]>> ranks;
        private volatile boolean finishing;

        GangRounds(int blocks, int latent, int parts) {
            this.latent = latent;
            ranks = driver.submit(() -> onTwoRanks("bench-sp-" + parts, (rank, exchange) -> {
                try (TensorOps ops = Backends.create(1)) {
                    DitStepBench.XlForward forward = DitStepBench.xlForward(blocks, latent, ops, exchange, parts);
                    forward.run(); // warm-up, and the connections
                    ready.await();
                    SequenceExchange.TransferStats before = exchange.stats();
                    int steps = 0;
                    double millis = 0;
                    while (true) {
                        go.await();
                        if (finishing) {
                            break;
                        }
                        long start = System.nanoTime();
                        forward.run();
                        last[rank] = (System.nanoTime() - start) / 1e6;
                        millis += last[rank];
                        steps++;
                        done.await();
                    }
                    SequenceExchange.TransferStats after = exchange.stats();
                    double bytes = (double) (after.bytesSent() - before.bytesSent()) / steps;
                    double waitMs = (after.waitNanos() - before.waitNanos()) / 1e6 / steps;
                    return new double[] {millis / steps, bytes, waitMs, forward.overlapFraction()};
                } catch (Exception | Error e) {
                    // whoever waits at a barrier for this rank learns of the failure now, not at the timeout
                    ready.reset();
                    go.reset();
                    done.reset();
                    throw e;
                }
            }));
        }

        /** Returns once both ranks are warm. */
        void awaitReady() throws Exception {
            await(ready);
        }

        double step() throws Exception {
            await(go);
            await(done);
            return Math.max(last[0], last[1]);
        }

        /** A broken or timed-out barrier is reported as the rank's own failure where there is one. */
        private void await(CyclicBarrier barrier) throws Exception {
            try {
                barrier.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (BrokenBarrierException | TimeoutException e) {
                if (ranks.isDone()) {
                    ranks.get();
                }
                throw e;
            }
        }

        /** Ends the rounds: the gang's bytes, exchange fraction and overlap over its steps. */
        Gang finish() throws Exception {
            finishing = true;
            await(go);
            List<double[]> both = ranks.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            double[] zero = both.get(0);
            double[] one = both.get(1);
            // the gather frame: this rank's patches of the final layer (batch 8, half the tokens, 16 values each)
            int tokens = (latent / 2) * (latent / 2);
            long gather = 8L * (tokens / 2) * 16 * 4;
            return new Gang(Math.round(zero[1]), gather, zero[2] / zero[0],
                    (zero[3] + one[3]) / 2);
        }

        @Override
        public void close() {
            driver.shutdownNow();
        }
    }

    /** Two single-rank steps at once (the machine's two cores both busy): the slower one's milliseconds. */
    private static double coRunMillis(Runnable forward, Runnable other, ExecutorService beside) throws Exception {
        long start = System.nanoTime();
        Future<Long> second = beside.submit(() -> {
            other.run();
            return System.nanoTime();
        });
        forward.run();
        long mine = System.nanoTime();
        return (Math.max(mine, second.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) - start) / 1e6;
    }

    private static double[] ratios(double[] numerators, double[] denominators) {
        double[] r = new double[numerators.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = numerators[i] / denominators[i];
        }
        return r;
    }

    private static String range(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return fmt(sorted[0]) + "-" + fmt(sorted[sorted.length - 1]);
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
