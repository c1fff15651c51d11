package dev.imagine.ops.sim;

import dev.imagine.core.job.Lane;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** What one simulated day measured, printed as {@code key=value} lines. */
final class SimResult {
    private final Map<Lane, long[]> waits = new EnumMap<>(Lane.class);
    private final Map<Lane, Integer> counts = new EnumMap<>(Lane.class);
    private long busyMillis;
    private double maxShareDeviation;
    private double utilization;
    private int neverStarted;
    private int startedJobs;
    long swaps;
    long refused;

    SimResult(int jobs) {
        for (Lane lane : Lane.values()) {
            waits.put(lane, new long[jobs]);
            counts.put(lane, 0);
        }
    }

    void started(Lane lane, long waitMillis, long serviceMillis) {
        int n = counts.get(lane);
        waits.get(lane)[n] = waitMillis;
        counts.put(lane, n + 1);
        busyMillis += serviceMillis;
        startedJobs++;
    }

    void fairness(double deviation) {
        maxShareDeviation = Math.max(maxShareDeviation, deviation);
    }

    void finish(int slots, long spanMillis, int waitingLeft) {
        utilization = busyMillis / ((double) slots * 86_400_000L);
        neverStarted = waitingLeft;
        for (Lane lane : Lane.values()) {
            long[] all = waits.get(lane);
            waits.put(lane, Arrays.copyOf(all, counts.get(lane)));
            Arrays.sort(waits.get(lane));
        }
    }

    double percentileSeconds(Lane lane, double q) {
        long[] sorted = waits.get(lane);
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))] / 1000.0;
    }

    void print(PrintWriter out, String prefix) {
        out.printf("%sturbo_p50_wait_s=%.2f%n", prefix, percentileSeconds(Lane.TURBO, 0.50));
        out.printf("%sturbo_p99_wait_s=%.2f%n", prefix, percentileSeconds(Lane.TURBO, 0.99));
        out.printf("%sfast_p50_wait_s=%.2f%n", prefix, percentileSeconds(Lane.FAST, 0.50));
        out.printf("%sfast_p99_wait_s=%.2f%n", prefix, percentileSeconds(Lane.FAST, 0.99));
        out.printf("%srelax_p99_wait_s=%.2f%n", prefix, percentileSeconds(Lane.RELAX, 0.99));
        out.printf("%sutilization=%.4f%n", prefix, utilization);
        out.printf("%sswaps_per_1000_jobs=%.2f%n", prefix, startedJobs == 0 ? 0 : 1000.0 * swaps / startedJobs);
        out.printf("%smax_user_share_deviation=%.3f%n", prefix, maxShareDeviation);
        out.printf("%sjobs_started=%d%n", prefix, startedJobs);
        out.printf("%sjobs_refused_waiting_limit=%d%n", prefix, refused);
        out.printf("%sjobs_never_started=%d%n", prefix, neverStarted);
        out.flush();
    }
}
