package dev.imagine.core.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Priority lanes, in dispatch order: every Turbo job goes before any Fast job, Fast before Relax. */
public enum Lane {
    TURBO, FAST, RELAX;

    public String pathName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Fast time a job of this lane costs per millisecond of GPU time: Turbo twice, Relax nothing (seed, ch. 0). */
    public long fastMillisFor(long gpuMillis) {
        return switch (this) {
            case TURBO -> 2 * gpuMillis;
            case FAST -> gpuMillis;
            case RELAX -> 0;
        };
    }

    public static Lane parse(String value) {
        for (Lane lane : values()) {
            if (lane.pathName().equalsIgnoreCase(value.trim())) {
                return lane;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + value + "'; use one of "
                + Arrays.stream(values()).map(Lane::pathName).collect(Collectors.joining(", ")));
    }
}
