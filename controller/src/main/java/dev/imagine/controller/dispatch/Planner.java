package dev.imagine.controller.dispatch;

import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotView;
import dev.imagine.core.model.ModelNeeds;
import dev.imagine.core.scheduling.PlacementPolicy;
import dev.imagine.core.scheduling.PlannerMemory;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.model.IdealState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link PlacementPolicy} to the cluster each pass: reads the slots (the version each targets in
 * its IdealState, whether it is idle and healthy, its device memory), folds the pass's arrivals into the
 * planner's memory, and retargets slots in Helix. The memory lives in ZooKeeper and is written (versioned)
 * before the retargets it records: a leader that dies in between leaves a slot held a little longer, never
 * one swapped again too soon; a deposed leader's write fails and it swaps nothing.
 */
public final class Planner {
    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
    /** Rates change every pass; they are written at most this often unless a swap is recorded. */
    private static final long RATE_WRITE_INTERVAL_MILLIS = 5_000;

    private final ClusterSetup setup;
    private final HelixDataAccessor accessor;
    private final SlotView slots;
    private final JobStore store;
    private final CuratorFramework zk;
    private final PlacementPolicy policy;
    private final Clock clock;
    private long lastWriteMillis;
    /** The working copy: folded every pass, written now and then; re-read when the stored one moved on. */
    private Versioned<PlannerMemory> current;

    public Planner(ClusterSetup setup, SlotView slots, JobStore store, PlacementPolicy policy, Clock clock) {
        this.setup = setup;
        this.accessor = slots.manager().getHelixDataAccessor();
        this.slots = slots;
        this.store = store;
        this.zk = store.client();
        this.policy = policy;
        this.clock = clock;
    }

    public void plan(DispatchPass pass) throws Exception {
        long now = clock.millis();
        Stat stat = zk.checkExists().forPath(ZkPaths.PLANNER_STATE);
        if (current == null || current.version() != (stat == null ? -1 : stat.getVersion())) {
            current = load();  // first pass as leader, or another leader wrote since: carry on from its state
        }
        Versioned<PlannerMemory> stored = current;
        PlannerMemory memory = stored.value().withArrivals(pass.arrivalsByVersion(), now);
        Map<String, Slot> byName = new HashMap<>();
        Map<String, IdealState> idealStates = new HashMap<>();   // one read per pool per pass, not per slot
        List<PlacementPolicy.SlotState> states = new ArrayList<>();
        for (Slot slot : slots.slots()) {
            byName.put(slot.name(), slot);
            IdealState idealState = idealStates.computeIfAbsent(slot.pool(),
                    pool -> accessor.getProperty(accessor.keyBuilder().idealStates(pool)));
            states.add(stateOf(slot, idealState));
        }
        List<PlacementPolicy.Retarget> retargets = policy.plan(now, states, pass.waitingByVersion(), memory,
                Math.max(1, states.size() / 10));
        for (PlacementPolicy.Retarget retarget : retargets) {
            memory = memory.withSwap(retarget.slot(), now);
        }
        if (!retargets.isEmpty() || now - lastWriteMillis >= RATE_WRITE_INTERVAL_MILLIS) {
            int written = save(memory, stored.version());
            if (written < 0) {
                LOG.info("Planner state changed under this controller (a new leader?); swapping nothing this pass");
                current = null;
                return;
            }
            lastWriteMillis = now;
            current = new Versioned<>(memory, written);
        } else {
            current = new Versioned<>(memory, stored.version());
        }
        for (PlacementPolicy.Retarget retarget : retargets) {
            Slot slot = byName.get(retarget.slot());
            LOG.info("Planner: slot {} {} -> {} (waiting {}, arrivals/min {})", retarget.slot(), retarget.from(),
                    retarget.to(), pass.waitingByVersion(), memory.arrivalsPerMinute());
            setup.retarget(accessor, slot.pool(), slot.name(), slot.instance(), retarget.to());
        }
    }

    private PlacementPolicy.SlotState stateOf(Slot slot, IdealState idealState) throws Exception {
        boolean healthy = slot.live() && slot.enabled() && !ModelAffinity.ERROR.equals(slot.state());
        String memory = slots.instanceAttribute(slot.instance(), ModelNeeds.DEVICE_MEMORY_MB);
        return new PlacementPolicy.SlotState(slot.name(), targetVersion(slot, idealState), store.assignments(slot.name()).isEmpty(),
                healthy, memory == null ? Integer.MAX_VALUE : Integer.parseInt(memory));
    }

    /** The version the slot holds or is loading: its IdealState target, else what the ExternalView shows. */
    private static String targetVersion(Slot slot, IdealState idealState) {
        Map<String, String> target = idealState == null ? null : idealState.getInstanceStateMap(slot.name());
        String state = target == null ? null : target.get(slot.instance());
        return state != null ? ModelAffinity.versionFor(state) : slot.version();
    }

    private Versioned<PlannerMemory> load() throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.PLANNER_STATE);
            return new Versioned<>(Json.read(data, PlannerMemory.class), stat.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return new Versioned<>(PlannerMemory.empty(), -1);
        }
    }

    /** Versioned write; returns the new znode version, or -1 if another writer moved it first. */
    private int save(PlannerMemory memory, int version) throws Exception {
        try {
            if (version < 0) {
                zk.create().creatingParentsIfNeeded().forPath(ZkPaths.PLANNER_STATE, Json.write(memory));
                return 0;
            }
            return zk.setData().withVersion(version).forPath(ZkPaths.PLANNER_STATE, Json.write(memory)).getVersion();
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
            return -1;
        }
    }
}
