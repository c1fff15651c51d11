package dev.imagine.core.store;

import java.time.Duration;

/**
 * When objects move colder: hot to warm after {@code warmAfter} without a read, warm to cold after {@code coldAfter};
 * preview-only objects are deleted after {@code previewsAfter} without a read.
 */
public record LifecycleRules(Duration warmAfter, Duration coldAfter, Duration previewsAfter) {
    public static final LifecycleRules DEFAULT = new LifecycleRules(Duration.ofDays(30), Duration.ofDays(180),
            Duration.ofHours(1));

    public LifecycleRules {
        if (warmAfter.isNegative() || coldAfter.isNegative() || previewsAfter.isNegative()) {
            throw new IllegalArgumentException("lifecycle ages must not be negative");
        }
    }

    /** The age limit of tier {@code index} (0 = hot) before it moves to the next. */
    Duration ageLimit(int index) {
        return index == 0 ? warmAfter : coldAfter;
    }
}
