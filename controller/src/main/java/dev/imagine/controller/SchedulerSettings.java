package dev.imagine.controller;

import java.time.Duration;

/**
 * The scheduler's knobs, in one place.
 *
 * @param relaxPromoteAfter a Relax job waiting this long competes with Fast jobs (the Relax guarantee)
 * @param plannerMinimumHold a slot keeps a model version at least this long before the planner swaps it again
 * @param minimumWarmSlots   slots the planner keeps on each served model version while it has any
 * @param maxRelaxDepth      backpressure: the API refuses new Relax jobs while this many wait
 * @param plannerHeadroom    slots the planner keeps per slot a version's load keeps busy
 * @param turboRanks         slots of a sequence-parallel gang a Turbo job takes when that many are free (1: none)
 */
public record SchedulerSettings(Duration relaxPromoteAfter, Duration plannerMinimumHold, int minimumWarmSlots,
                                int maxRelaxDepth, double plannerHeadroom, int turboRanks) {
    public static final SchedulerSettings DEFAULTS =
            new SchedulerSettings(Duration.ofMinutes(10), Duration.ofSeconds(30), 1, 100_000, 1.25, 1);

    public SchedulerSettings(Duration relaxPromoteAfter, Duration plannerMinimumHold, int minimumWarmSlots,
                             int maxRelaxDepth, double plannerHeadroom) {
        this(relaxPromoteAfter, plannerMinimumHold, minimumWarmSlots, maxRelaxDepth, plannerHeadroom, 1);
    }

    public SchedulerSettings withTurboRanks(int value) {
        return new SchedulerSettings(relaxPromoteAfter, plannerMinimumHold, minimumWarmSlots, maxRelaxDepth,
                plannerHeadroom, value);
    }

    public SchedulerSettings withRelaxPromoteAfter(Duration value) {
        return new SchedulerSettings(value, plannerMinimumHold, minimumWarmSlots, maxRelaxDepth, plannerHeadroom, turboRanks);
    }

    public SchedulerSettings withPlannerMinimumHold(Duration value) {
        return new SchedulerSettings(relaxPromoteAfter, value, minimumWarmSlots, maxRelaxDepth, plannerHeadroom, turboRanks);
    }

    /** Planner knobs: minimum warm slots per version with recent arrivals, and the headroom over its load. */
    public SchedulerSettings withPlanner(int warmSlots, double headroom) {
        return new SchedulerSettings(relaxPromoteAfter, plannerMinimumHold, warmSlots, maxRelaxDepth, headroom, turboRanks);
    }

    public SchedulerSettings withMaxRelaxDepth(int value) {
        return new SchedulerSettings(relaxPromoteAfter, plannerMinimumHold, minimumWarmSlots, value, plannerHeadroom, turboRanks);
    }
}
