package dev.imagine.core.zk;

import dev.imagine.core.job.SlotFailure;
import java.util.List;

/**
 * An open circuit breaker, under {@code /breakers/<slot>}: why the slot was taken out (the failures that
 * tripped it) and what its health checks found. The slot's worker runs a check every {@code checkEveryMillis}
 * and writes the outcome here; the controller re-enables the slot once one passes.
 */
public record SlotBreaker(String slot, long openedAtMillis, List<SlotFailure> failures, long checkEveryMillis,
                          long lastCheckAtMillis, boolean lastCheckPassed, String lastCheckDetail) {

    public SlotBreaker {
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    public static SlotBreaker opened(String slot, long nowMillis, List<SlotFailure> failures, long checkEveryMillis) {
        return new SlotBreaker(slot, nowMillis, failures, checkEveryMillis, 0, false, null);
    }

    public SlotBreaker checked(boolean passed, String detail, long nowMillis) {
        return new SlotBreaker(slot, openedAtMillis, failures, checkEveryMillis, nowMillis, passed, detail);
    }
}
