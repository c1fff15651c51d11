package dev.imagine.controller.dispatch;

import dev.imagine.controller.FailureSettings;
import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.controller.helix.SlotView;
import dev.imagine.core.job.SlotFailure;
import dev.imagine.core.zk.SlotBreaker;
import dev.imagine.core.zk.SlotBreakers;
import dev.imagine.core.zk.Versioned;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-slot circuit breakers, run by the dispatch leader each pass. {@code breakerFailures} failures blamed on a
 * slot within {@code breakerWindow} open its breaker: the breaker is written first, then the slot is disabled in
 * Helix (so a crash between the two leaves an open breaker that the next pass disables again, never a
 * disabled slot nobody will re-enable). The slot's worker runs health checks and records them in the breaker;
 * once one passes, the slot is enabled first and the breaker closed after, for the same reason.
 */
public final class CircuitBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final SlotBreakers breakers;
    private final SlotView slots;
    private final SlotAdmin admin;
    private final FailureSettings settings;
    private final Clock clock;

    public CircuitBreaker(SlotBreakers breakers, SlotView slots, SlotAdmin admin, FailureSettings settings, Clock clock) {
        this.breakers = breakers;
        this.slots = slots;
        this.admin = admin;
        this.settings = settings;
        this.clock = clock;
    }

    public void checkOnce() throws Exception {
        Map<String, Slot> known = new HashMap<>();
        for (Slot slot : slots.slots()) {
            known.put(slot.name(), slot);
        }
        List<String> open = breakers.openSlots();
        long now = clock.millis();
        for (String slot : breakers.slotsWithFailures()) {
            if (!known.containsKey(slot)) {
                breakers.forget(slot);
            } else if (!open.contains(slot)) {
                List<SlotFailure> recent = breakers.recentFailures(slot, now - settings.breakerWindow().toMillis());
                if (recent.size() >= settings.breakerFailures()
                        && breakers.open(SlotBreaker.opened(slot, now, recent, settings.healthCheckEvery().toMillis()))) {
                    LOG.warn("Circuit breaker of slot {} opened: {} failures within {} s, the last: {}; disabling it "
                            + "until a health check passes", slot, recent.size(), settings.breakerWindow().toSeconds(),
                            recent.getLast().reason());
                    open = breakers.openSlots();
                }
            }
        }
        for (String slot : open) {
            Optional<Versioned<SlotBreaker>> breaker = breakers.get(slot);
            Slot current = known.get(slot);
            if (breaker.isEmpty()) {
                continue;
            }
            if (current == null) {
                breakers.forget(slot);
            } else if (breaker.get().value().lastCheckPassed()) {
                setEnabled(slot, true);
                breakers.close(slot);
                LOG.info("Circuit breaker of slot {} closed: health check passed ({}); slot enabled", slot,
                        breaker.get().value().lastCheckDetail());
            } else if (current.enabled()) {
                setEnabled(slot, false);
            }
        }
    }

    private void setEnabled(String slot, boolean enabled) {
        admin.slot(slot).ifPresent(ref -> admin.setSlotEnabled(ref, enabled));
    }
}
