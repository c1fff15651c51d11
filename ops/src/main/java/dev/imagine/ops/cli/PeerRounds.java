package dev.imagine.ops.cli;

import dev.imagine.kernels.DitStepBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;

/**
 * The Java engine against NumPy and PyTorch in interleaved rounds: each round times ours, then each peer, on the same
 * shapes, and a ratio is taken per round; the figures printed are medians over rounds (ratios with their range). A
 * machine shared with other jobs then slows both sides of a ratio alike, where separate runs minutes apart measured
 * the neighbours as much as the code.
 *
 * <p>Each peer is started twice when the CPU has a name OpenBLAS knows ({@code OPENBLAS_CORETYPE}): once as it
 * probes the CPU itself, once told; the faster on the matmul is kept. Debian's OpenBLAS 0.3.21 sees some VMs' Xeons
 * as a "Prescott" (SSE3 kernels, 40 against 211 GFLOP/s), while a pip NumPy's newer OpenBLAS finds its Sapphire
 * Rapids kernels alone and runs slower when told "SkylakeX" (202 against 263 GFLOP/s measured here): each peer is
 * measured at its best.
 */
final class PeerRounds implements AutoCloseable {
    private static final Duration ANSWER = Duration.ofMinutes(10);
    private final Map<String, PythonPeer> peers = new LinkedHashMap<>();
    private final PrintWriter out;

    private PeerRounds(PrintWriter out) {
        this.out = out;
    }

    /** NumPy from PATH (a pip NumPy bundles its own OpenBLAS), PyTorch from {@code torchPython}. */
    static PeerRounds start(Path script, String torchPython, int threads, Optional<String> coreType, PrintWriter out) {
        PeerRounds rounds = new PeerRounds(out);
        rounds.add("numpy", "python3", script, threads, coreType);
        rounds.add("torch", torchPython, script, threads, coreType);
        return rounds;
    }

    private void add(String lib, String interpreter, Path script, int threads, Optional<String> coreType) {
        StringBuilder why = new StringBuilder();
        Optional<PythonPeer> probed = PythonPeer.start(interpreter, script, threads, lib, Map.of(), "auto", why);
        if (probed.isEmpty()) {
            out.println(lib + "=" + why);
            out.flush();
            return;
        }
        PythonPeer best = probed.get();
        if (coreType.isPresent()) {
            Optional<PythonPeer> told = PythonPeer.start(interpreter, script, threads, lib,
                    Map.of("OPENBLAS_CORETYPE", coreType.get()), coreType.get(), new StringBuilder());
            if (told.isPresent()) {
                double[] auto = new double[3];
                double[] named = new double[3];
                for (int i = 0; i < 3; i++) {
                    auto[i] = best.ask("matmul 20", "gflops", ANSWER);
                    named[i] = told.get().ask("matmul 20", "gflops", ANSWER);
                }
                if (median(named) > median(auto) || Double.isNaN(median(auto))) {
                    best.close();
                    best = told.get();
                } else {
                    told.get().close();
                }
            }
        }
        peers.put(lib, best);
        out.println(lib + "_version=" + best.askText("version", "version"));
        out.println(lib + "_openblas_coretype=" + best.label);
        out.flush();
    }

    /** {@code matmul_vs_openblas}: our 512x1152x1152 against NumPy's (its OpenBLAS) and PyTorch's, round by round. */
    void matmul(IntToDoubleFunction ours, int rounds, Map<String, String> lines) {
        int calls = Math.max(4, (int) (0.3 * 1e9 / (2.0 * 512 * 1152 * 1152 / ours.applyAsDouble(4))));
        long warmUntil = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < warmUntil) {
            ours.applyAsDouble(calls);
        }
        Series series = new Series(rounds);
        for (int r = 0; r < rounds; r++) {
            double mine = ours.applyAsDouble(calls);
            series.ours[r] = mine;
            for (var peer : peers.entrySet()) {
                series.peer(peer.getKey())[r] = peer.getValue().ask("matmul " + calls, "gflops", ANSWER);
            }
        }
        put(lines, "matmul_gflops_in_rounds", median(series.ours));
        report(series, "numpy", "openblas_matmul_gflops", "matmul_vs_openblas", true, lines);
        report(series, "torch", "torch_matmul_gflops", "matmul_vs_torch", true, lines);
    }

    /** One XL block at {@code side}^2 tokens: ours (4 blocks less 2) against each peer's block. */
    void blocks(DitStepBench.XlBlockProbe ours, int side, String tag, int rounds,
            Map<String, String> lines) {
        for (PythonPeer peer : peers.values()) {
            peer.ask("block " + side + " 1", "ms", ANSWER); // builds and warms its block
        }
        Series series = new Series(rounds);
        for (int r = 0; r < rounds; r++) {
            series.ours[r] = ours.blockMillis();
            for (var peer : peers.entrySet()) {
                series.peer(peer.getKey())[r] = peer.getValue().ask("block " + side + " 1", "ms", ANSWER);
            }
        }
        put(lines, "dit_block_ms_" + tag, median(series.ours));
        report(series, "numpy", "numpy_dit_block_ms_" + tag, "block_speedup_vs_numpy_" + tag, false, lines);
        report(series, "torch", "torch_dit_block_ms_" + tag, "block_speedup_vs_torch_" + tag, false, lines);
    }

    /** Whole forwards (28 blocks, each its own weights) on every side, one each per round after one to warm up. */
    void steps(Runnable ours, int side, String tag, int rounds, Map<String, String> lines) {
        ours.run();
        for (PythonPeer peer : peers.values()) {
            peer.ask("forward " + side, "ms", ANSWER); // builds its 28 blocks and warms up
        }
        Series series = new Series(rounds);
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            ours.run();
            series.ours[r] = (System.nanoTime() - start) / 1e6;
            for (var peer : peers.entrySet()) {
                series.peer(peer.getKey())[r] = peer.getValue().ask("forward " + side, "ms", ANSWER);
            }
        }
        put(lines, "dit_step_ms_" + tag, median(series.ours));
        String strongest = null;
        double best = Double.MAX_VALUE;
        for (String lib : List.of("numpy", "torch")) {
            report(series, lib, lib + "_dit_step_ms_" + tag, "speedup_vs_" + lib + "_" + tag, false, lines);
            double ms = series.peers.containsKey(lib) ? median(series.peer(lib)) : Double.NaN;
            if (!Double.isNaN(ms) && ms < best) {
                best = ms;
                strongest = lib;
            }
        }
        if (strongest != null) {
            lines.put("strongest_peer_" + tag, strongest);
            out.println("strongest_peer_" + tag + "=" + strongest);
            put(lines, "speedup_vs_strongest_" + tag, median(series.ratios(strongest, false)));
        }
    }

    /**
     * The peer's median and the per-round ratio (ours/peer for rates, peer/ours for times: above 1 = we are faster),
     * with its range over the rounds.
     */
    private void report(Series series, String lib, String valueKey, String ratioKey, boolean rates,
            Map<String, String> lines) {
        if (!series.peers.containsKey(lib)) {
            return;
        }
        double[] values = series.peer(lib);
        if (Arrays.stream(values).anyMatch(Double::isNaN)) {
            lines.put(valueKey, "failed");
            out.println(valueKey + "=failed");
            return;
        }
        put(lines, valueKey, median(values));
        double[] ratios = series.ratios(lib, rates);
        put(lines, ratioKey, median(ratios));
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        String range = String.format(Locale.ROOT, "%.3f-%.3f", sorted[0], sorted[sorted.length - 1]);
        lines.put(ratioKey + "_range", range);
        out.println(ratioKey + "_range=" + range);
        out.flush();
    }

    private void put(Map<String, String> lines, String key, double value) {
        BenchKernelsCommand.put(out, lines, key, value);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    /** Our value and each peer's, per round. */
    private final class Series {
        final double[] ours;
        final Map<String, double[]> peers = new LinkedHashMap<>();

        Series(int rounds) {
            ours = new double[rounds];
            for (String lib : PeerRounds.this.peers.keySet()) {
                peers.put(lib, new double[rounds]);
            }
        }

        double[] peer(String lib) {
            return peers.get(lib);
        }

        double[] ratios(String lib, boolean rates) {
            double[] theirs = peers.get(lib);
            double[] ratios = new double[ours.length];
            for (int r = 0; r < ours.length; r++) {
                ratios[r] = rates ? ours[r] / theirs[r] : theirs[r] / ours[r];
            }
            return ratios;
        }
    }

    @Override
    public void close() {
        peers.values().forEach(PythonPeer::close);
    }
}
