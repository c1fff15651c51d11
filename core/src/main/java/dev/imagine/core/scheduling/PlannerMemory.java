package dev.imagine.core.scheduling;

import java.util.HashMap;
import java.util.Map;

/**
 * What the planner remembers between passes, kept in ZooKeeper ({@code /planner/state}) so that a new
 * leader carries on where the old one stopped: when each slot last changed model version (the hold time
 * of the hysteresis), and each version's smoothed arrival rate.
 *
 * @param lastSwapMillis     slot → when the planner last retargeted it
 * @param arrivalsPerMinute  version → exponentially smoothed arrivals per minute
 * @param updatedAtMillis    when the rates were last folded in
 */
public record PlannerMemory(Map<String, Long> lastSwapMillis, Map<String, Double> arrivalsPerMinute,
                            long updatedAtMillis) {
    /** Time constant of the arrival-rate smoothing: demand of the last few minutes, not of the last second. */
    public static final long RATE_TIME_CONSTANT_MILLIS = 300_000;

    public PlannerMemory {
        lastSwapMillis = Map.copyOf(lastSwapMillis);
        arrivalsPerMinute = Map.copyOf(arrivalsPerMinute);
    }

    public static PlannerMemory empty() {
        return new PlannerMemory(Map.of(), Map.of(), 0);
    }

    /** Folds in the arrivals seen since {@link #updatedAtMillis}. */
    public PlannerMemory withArrivals(Map<String, Integer> arrivals, long nowMillis) {
        if (updatedAtMillis == 0) {
            return new PlannerMemory(lastSwapMillis, arrivalsPerMinute, nowMillis);
        }
        long dt = Math.max(1, nowMillis - updatedAtMillis);
        double alpha = 1 - Math.exp(-(double) dt / RATE_TIME_CONSTANT_MILLIS);
        Map<String, Double> rates = new HashMap<>(arrivalsPerMinute);
        for (String version : union(rates.keySet(), arrivals.keySet())) {
            double observed = arrivals.getOrDefault(version, 0) * 60_000.0 / dt;
            double next = alpha * observed + (1 - alpha) * rates.getOrDefault(version, 0.0);
            if (next < 1e-3) {
                rates.remove(version);
            } else {
                rates.put(version, next);
            }
        }
        return new PlannerMemory(lastSwapMillis, rates, nowMillis);
    }

    public PlannerMemory withSwap(String slot, long nowMillis) {
        Map<String, Long> swaps = new HashMap<>(lastSwapMillis);
        swaps.put(slot, nowMillis);
        return new PlannerMemory(swaps, arrivalsPerMinute, updatedAtMillis);
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
