package dev.imagine.participant;

import java.util.Map;
import org.apache.helix.participant.statemachine.StateModelFactory;

/** Creates the Helix state model of each slot this participant owns, bound to the slot's runtime. */
final class SlotStateModelFactory extends StateModelFactory<SlotStateModel> {
    private final Map<String, SlotRuntime> runtimes;

    SlotStateModelFactory(Map<String, SlotRuntime> runtimes) {
        this.runtimes = runtimes;
    }

    @Override
    public SlotStateModel createNewStateModel(String resource, String partition) {
        SlotRuntime runtime = runtimes.get(partition);
        if (runtime == null) {
            throw new IllegalStateException("partition " + partition + " of " + resource
                    + " is not a slot of this participant");
        }
        return new SlotStateModel(runtime);
    }
}
