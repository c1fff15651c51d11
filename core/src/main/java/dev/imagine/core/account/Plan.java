package dev.imagine.core.account;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Subscription plans with the seed's numbers (chapters 0 and 4): jobs at once (dispatched or running),
 * jobs waiting, Fast GPU time a month, and whether Relax is included.
 */
public enum Plan {
    BASIC(3, 10, Duration.ofMinutes(198), false),
    STANDARD(3, 10, Duration.ofHours(15), true),
    PRO(12, 10, Duration.ofHours(30), true),
    MEGA(15, 10, Duration.ofHours(60), true);

    private final int maxRunning;
    private final int maxWaiting;
    private final Duration fastTimePerMonth;
    private final boolean relaxIncluded;

    Plan(int maxRunning, int maxWaiting, Duration fastTimePerMonth, boolean relaxIncluded) {
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
        this.fastTimePerMonth = fastTimePerMonth;
        this.relaxIncluded = relaxIncluded;
    }

    public int maxRunning() {
        return maxRunning;
    }

    public int maxWaiting() {
        return maxWaiting;
    }

    public long fastMillisPerMonth() {
        return fastTimePerMonth.toMillis();
    }

    public boolean relaxIncluded() {
        return relaxIncluded;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Plan parse(String value) {
        for (Plan plan : values()) {
            if (plan.key().equalsIgnoreCase(value.trim())) {
                return plan;
            }
        }
        throw new IllegalArgumentException("unknown plan '" + value + "'; use one of "
                + Arrays.stream(values()).map(Plan::key).collect(Collectors.joining(", ")));
    }
}
