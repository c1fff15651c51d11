package dev.imagine.ops.cli;

import java.util.Map;

/** The primitive-kernel lines (peak, matmul, attention) of the CPU backend's own harness. */
final class KernelLines {
    private KernelLines() {
    }

    static Map<String, String> primitives(boolean quick) {
        return dev.imagine.kernels.bench.KernelBench.run(quick);
    }
}
