package dev.imagine.controller.dispatch;

import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotView;
import dev.imagine.core.zk.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.model.IdealState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first planner: when queued jobs ask for a model version that no slot holds or is loading, it
 * retargets one idle slot to that version (Helix then unloads and loads weights). Hysteresis: a slot
 * retargeted recently is left alone, and a version is never taken from its last slot while jobs
 * wait for it, so weights are swapped rarely. Demand-proportional targets come with a later issue.
 */
public final class Planner {
    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

    private final ClusterSetup setup;
    private final HelixDataAccessor accessor;
    private final SlotView slots;
    private final JobStore store;
    private final Clock clock;
    private final Duration minimumHold;
    private final Map<String, Long> lastRetargetMillis = new HashMap<>();

    public Planner(ClusterSetup setup, SlotView slots, JobStore store, Clock clock, Duration minimumHold) {
        this.setup = setup;
        this.accessor = slots.manager().getHelixDataAccessor();
        this.slots = slots;
        this.store = store;
        this.clock = clock;
        this.minimumHold = minimumHold;
    }

    public void plan(DispatchPass pass) throws Exception {
        for (String version : pass.unservedVersions()) {
            if (isTargeted(version)) {
                continue;
            }
            Optional<Slot> donor = pickDonor(pass.waitingByVersion());
            if (donor.isEmpty()) {
                LOG.info("Jobs wait for {} but no idle slot can switch to it yet", version);
                continue;
            }
            Slot slot = donor.get();
            setup.retarget(accessor, slot.pool(), slot.name(), slot.instance(), version);
            lastRetargetMillis.put(slot.name(), clock.millis());
        }
    }

    /**
     * Whether some slot that can actually serve holds or is loading the version: a target on a dead,
     * disabled or ERROR slot does not count, or its jobs would wait for it forever.
     */
    private boolean isTargeted(String version) {
        String state = ModelAffinity.stateFor(version);
        Map<String, Slot> reported = new HashMap<>();
        for (Slot slot : slots.slots()) {
            reported.put(slot.name() + "@" + slot.instance(), slot);
        }
        List<IdealState> idealStates = accessor.getChildValues(accessor.keyBuilder().idealStates(), true);
        for (IdealState idealState : idealStates) {
            for (String partition : idealState.getPartitionSet()) {
                Map<String, String> target = idealState.getInstanceStateMap(partition);
                if (target == null) {
                    continue;
                }
                for (Map.Entry<String, String> e : target.entrySet()) {
                    Slot slot = reported.get(partition + "@" + e.getKey());
                    boolean healthy = slot != null && slot.live() && slot.enabled() && !ModelAffinity.ERROR.equals(slot.state());
                    if (state.equals(e.getValue()) && healthy) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private Optional<Slot> pickDonor(Map<String, Integer> waitingByVersion) throws Exception {
        List<Slot> all = slots.slots();
        Map<String, Long> holders = new HashMap<>();
        for (Slot slot : all) {
            if (slot.live() && slot.version() != null) {
                holders.merge(slot.version(), 1L, Long::sum);
            }
        }
        long now = clock.millis();
        Slot best = null;
        for (Slot slot : all) {
            String held = slot.version();
            boolean eligible = slot.live() && slot.enabled() && held != null
                    && store.assignments(slot.name()).isEmpty()
                    && now - lastRetargetMillis.getOrDefault(slot.name(), 0L) >= minimumHold.toMillis()
                    && !(waitingByVersion.getOrDefault(held, 0) > 0 && holders.get(held) <= 1);
            if (eligible && (best == null || Comparator.<Slot>comparingInt(
                    s -> waitingByVersion.getOrDefault(s.version(), 0)).compare(slot, best) < 0)) {
                best = slot;
            }
        }
        return Optional.ofNullable(best);
    }
}
