package dev.imagine.controller;

import java.time.Duration;

/**
 * The failure policy's knobs, in one place.
 *
 * @param progressTimeout  a claimed job whose record has not moved this long (no step, no upload) is taken back
 *                         and retried elsewhere; a job still stepping is never taken (its progress moves it)
 * @param claimTimeout     a dispatched job its live slot has not claimed this long is taken back (an attempt)
 * @param breakerFailures  failures blamed on one slot within {@code breakerWindow} that open its circuit breaker
 * @param breakerWindow    the window they are counted in
 * @param healthCheckEvery how often an open breaker's slot runs its health check
 */
public record FailureSettings(Duration progressTimeout, Duration claimTimeout, int breakerFailures,
                              Duration breakerWindow, Duration healthCheckEvery) {
    public static final FailureSettings DEFAULTS = new FailureSettings(Duration.ofSeconds(120),
            Duration.ofSeconds(60), 3, Duration.ofMinutes(10), Duration.ofSeconds(30));

    public FailureSettings {
        if (breakerFailures < 1) {
            throw new IllegalArgumentException("breakerFailures must be at least 1, got " + breakerFailures);
        }
    }

    public FailureSettings withProgressTimeout(Duration value) {
        return new FailureSettings(value, claimTimeout, breakerFailures, breakerWindow, healthCheckEvery);
    }

    public FailureSettings withBreaker(int failures, Duration window, Duration checkEvery) {
        return new FailureSettings(progressTimeout, claimTimeout, failures, window, checkEvery);
    }
}
