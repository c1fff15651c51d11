package dev.imagine.participant;

import dev.imagine.controller.helix.ModelAffinity;
import org.apache.helix.NotificationContext;
import org.apache.helix.model.Message;
import org.apache.helix.participant.statemachine.StateModel;
import org.apache.helix.participant.statemachine.StateModelInfo;
import org.apache.helix.participant.statemachine.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Helix's view of one slot. The model-version states are configured, not compiled in, so one
 * annotated handler takes every edge and names each case: load (OFFLINE → version), unload
 * (version → OFFLINE), drop, and recovery from ERROR. Each makes one call into {@link SlotRuntime};
 * a failure is logged with the slot and rethrown, and Helix marks the slot ERROR.
 */
@StateModelInfo(initialState = ModelAffinity.OFFLINE, states = {})
public final class SlotStateModel extends StateModel {
    private static final Logger LOG = LoggerFactory.getLogger(SlotStateModel.class);

    private final SlotRuntime runtime;

    SlotStateModel(SlotRuntime runtime) {
        this.runtime = runtime;
    }

    @Transition(from = "*", to = "*")
    public void onTransition(Message message, NotificationContext context) {
        String from = message.getFromState();
        String to = message.getToState();
        LOG.info("Slot {}: {} -> {}", runtime.slot(), from, to);
        try {
            String target = ModelAffinity.versionFor(to);
            if (target != null) {
                runtime.load(target);
            } else {
                // OFFLINE, DROPPED, or leaving ERROR: whatever the slot held is released.
                runtime.unload();
            }
        } catch (RuntimeException e) {
            LOG.error("Slot {} failed {} -> {}: {}", runtime.slot(), from, to, e.toString());
            throw e;
        }
    }

    /**
     * ERROR → DROPPED: overridden so that this slot's weights go, whichever handler Helix's reflection picks
     * (the base class has its own no-op one for this edge).
     */
    @Override
    public void onBecomeDroppedFromError(Message message, NotificationContext context) {
        LOG.info("Slot {}: ERROR -> DROPPED", runtime.slot());
        runtime.unload();
    }

    /** A Helix session reset starts every slot again from OFFLINE: release the weights so none are held twice. */
    @Override
    public void reset() {
        LOG.info("Slot {}: reset by Helix; unloading", runtime.slot());
        runtime.unload();
    }
}
