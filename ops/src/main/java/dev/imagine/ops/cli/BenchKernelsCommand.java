package dev.imagine.ops.cli;

import dev.imagine.kernels.DitStepBench;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelStore;
import dev.imagine.kernels.bench.KernelBench;
import dev.imagine.kernels.ops.Backends;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.ops.TensorOps;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine bench kernels}: the kernel backends and whole DiT steps, as key=value lines. Baselines run
 * in the same process (the scalar reference) or the same script (PyTorch on the same weights, when
 * Debian's python3-torch is installed), so the ratios hold on a shared, noisy machine.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Matmul/attention GFLOP/s against this CPU's peak, DiT step times, FLOPs per image, PyTorch comparison.")
public final class BenchKernelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Fewer iterations, no whole XL forwards: under two minutes.")
    boolean quick;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for the backend and for PyTorch (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the comparison (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--xl1024", description = "Also time whole XL forwards at 1,024 tokens on every side (several minutes more).")
    boolean xl1024;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> lines = new LinkedHashMap<>();
        int iterations = quick ? 3 : 9;
        ModelStore store = ModelStore.standard();
        try (TensorOps ops = Backends.create(threads)) {
            lines.put("backend", ops.backend());
            lines.put("execution_mode", ops.executionMode().toString().replace(' ', '_'));
            emit(out, lines);
            KernelBench.run(quick, threads).forEach((k, v) -> {
                lines.put(k, v);
                out.println(k + "=" + v);
            });
            out.flush();
            double small = DitStepBench.smallStepMillis(ops, store, iterations);
            put(out, lines, "dit_step_ms_small", small);
            double scalar = DitStepBench.smallStepMillis(ScalarTensorOps.INSTANCE, store, quick ? 1 : 3);
            put(out, lines, "dit_step_ms_small_scalar", scalar);
            put(out, lines, "speedup_vs_scalar_small", scalar / small);
            // Per image: a grid is four images rendered together.
            out.printf("image_flops_tiny=%d%n", DitStepBench.gridFlops(ModelPreset.TINY) / 4);
            out.printf("image_flops_small=%d%n", DitStepBench.gridFlops(ModelPreset.SMALL) / 4);
            out.printf("image_flops_xl256=%d%n", DitStepBench.gridFlops(ModelPreset.XL) / 4);
            out.flush();
            try (PeerRounds peers = PeerRounds.start(home().resolve("kernels/python/xl_peer.py"), python, threads,
                    openBlasCoreType(), out)) {
                peers.matmul(KernelBench.matmulProbe(ops), quick ? 5 : 9, lines);
                peers.blocks(new DitStepBench.XlBlockProbe(ops, 32), 16, "xl256", quick ? 3 : 5, lines);
                if (!quick) {
                    peers.steps(DitStepBench.xlForward(ModelPreset.XL.depth(), 32, ops, null), 16, "xl256", 3, lines);
                }
                if (xl1024) {
                    peers.blocks(new DitStepBench.XlBlockProbe(ops, 64), 32, "xl1024", 3, lines);
                    peers.steps(DitStepBench.xlForward(ModelPreset.XL.depth(), 64, ops, null), 32, "xl1024", 1, lines);
                }
            }
            Map<String, String> torch = torchStep(store);
            torch.forEach((k, v) -> out.println(k + "=" + v));
            if (torch.containsKey("torch_dit_step_ms_small")) {
                put(out, lines, "speedup_vs_torch", Double.parseDouble(torch.get("torch_dit_step_ms_small")) / small);
            }
        }
        out.flush();
        return 0;
    }

    private Map<String, String> torchStep(ModelStore store) throws Exception {
        Map<String, String> result = new LinkedHashMap<>();
        Path script = home().resolve("kernels/python/dit_bench.py");
        if (!Files.isExecutable(Path.of(python)) || !Files.exists(script)) {
            result.put("torch", "not_run_(no_" + (Files.exists(script) ? python : script) + ")");
            return result;
        }
        Path model = DitStepBench.smallModelDir(store);
        List<String> command = new ArrayList<>(List.of(python, script.toString(), model.toString(), "16", "16", "16",
                Integer.toString(quick ? 5 : 15), Integer.toString(threads)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.startsWith("torch_")) {
                    String key = line.substring(0, eq);
                    result.put(key.equals("torch_dit_step_ms") ? "torch_dit_step_ms_small" : key, line.substring(eq + 1));
                } else if (line.contains("No module named 'torch'")) {
                    result.put("torch", "not_installed_(apt-get_install_python3-torch_libopenblas0-pthread)");
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return result;
    }

    static java.util.Optional<String> openBlasCoreType() {
        try {
            String cpu = Files.readString(Path.of("/proc/cpuinfo"));
            return cpu.contains(" avx512f") ? java.util.Optional.of("SkylakeX")
                    : cpu.contains(" avx2") ? java.util.Optional.of("Haswell") : java.util.Optional.empty();
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static Path home() {
        String home = System.getenv("IMAGINE_HOME");
        return Path.of(home == null ? "." : home);
    }

    static void put(PrintWriter out, Map<String, String> lines, String key, double value) {
        String text = String.format(java.util.Locale.ROOT, "%.3f", value);
        lines.put(key, text);
        out.println(key + "=" + text);
        out.flush();
    }

    private static void emit(PrintWriter out, Map<String, String> lines) {
        lines.forEach((k, v) -> out.println(k + "=" + v));
        out.flush();
    }
}
