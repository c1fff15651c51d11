package dev.imagine.slurm;

import java.util.Locale;
import java.util.Set;

/**
 * A Slurm node.
 *
 * @param state base state as Slurm names it: idle, mixed, allocated, down, ...
 * @param flags state flags such as DRAIN, DRAINING, NOT_RESPONDING
 * @param gres  configured generic resources, e.g. {@code gpu:4}
 */
public record SlurmNode(String name, String state, Set<String> flags, String reason, String gres, String gresUsed,
                        long cpus, long allocatedCpus) {

    public SlurmNode {
        flags = Set.copyOf(flags);
    }

    /** A node whose jobs' slots must not take new work: down, draining/drained, failing or not responding. */
    public boolean isUnavailable() {
        String base = state == null ? "" : state.toUpperCase(Locale.ROOT);
        return base.equals("DOWN") || base.equals("DRAIN") || base.equals("FAIL") || base.equals("UNKNOWN")
                || flags.stream().map(f -> f.toUpperCase(Locale.ROOT)).anyMatch(f -> f.startsWith("DRAIN")
                || f.equals("FAIL") || f.equals("NOT_RESPONDING"));
    }

    /** What an operator should read: "idle", "mixed+DRAIN". */
    public String describeState() {
        return flags.isEmpty() ? state : state + "+" + String.join("+", flags);
    }
}
