package dev.imagine.controller;

import java.time.Duration;

/**
 * The scheduler's knobs, in one place.
 *
 * @param relaxPromoteAfter a Relax job waiting this long competes with Fast jobs (the Relax guarantee)
 * @param plannerMinimumHold a slot keeps a model version at least this long before the planner swaps it again
 * @param minimumWarmSlots   slots the planner keeps on each served model version while it has any
 * @param maxRelaxDepth      backpressure: the API refuses new Relax jobs while this many wait
 * @param plannerHorizon     how far ahead the planner counts a version's arrival rate as demand
 */
public record SchedulerSettings(Duration relaxPromoteAfter, Duration plannerMinimumHold, int minimumWarmSlots,
                                int maxRelaxDepth, Duration plannerHorizon) {
    public static final SchedulerSettings DEFAULTS =
            new SchedulerSettings(Duration.ofMinutes(10), Duration.ofSeconds(30), 1, 100_000, Duration.ofMinutes(1));

    public SchedulerSettings withRelaxPromoteAfter(Duration value) {
        return new SchedulerSettings(value, plannerMinimumHold, minimumWarmSlots, maxRelaxDepth, plannerHorizon);
    }

    public SchedulerSettings withPlannerMinimumHold(Duration value) {
        return new SchedulerSettings(relaxPromoteAfter, value, minimumWarmSlots, maxRelaxDepth, plannerHorizon);
    }

    /** Planner knobs: minimum warm slots per version with recent arrivals, and the demand horizon. */
    public SchedulerSettings withPlanner(int warmSlots, Duration horizon) {
        return new SchedulerSettings(relaxPromoteAfter, plannerMinimumHold, warmSlots, maxRelaxDepth, horizon);
    }

    public SchedulerSettings withMaxRelaxDepth(int value) {
        return new SchedulerSettings(relaxPromoteAfter, plannerMinimumHold, minimumWarmSlots, value, plannerHorizon);
    }
}
