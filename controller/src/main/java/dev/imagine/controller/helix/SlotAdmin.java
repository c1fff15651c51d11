package dev.imagine.controller.helix;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.helix.HelixAdmin;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.HelixException;
import org.apache.helix.PropertyKey;
import org.apache.helix.constants.InstanceConstants;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.manager.zk.ZKHelixDataAccessor;
import org.apache.helix.manager.zk.ZkBaseDataAccessor;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.model.LiveInstance;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.apache.helix.zookeeper.zkclient.exception.ZkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on running slots and participants, for the operator and the Slurm reconciler: read what
 * Helix holds, disable/enable a participant or one slot, take a participant's slots out of its pool
 * and drop it. IdealState edits are compare-and-set, so they compose with {@link ClusterSetup}'s.
 */
public final class SlotAdmin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotAdmin.class);

    private final String cluster;
    private final HelixAdmin admin;
    private final ZkBaseDataAccessor<ZNRecord> base;
    private final HelixDataAccessor accessor;

    public SlotAdmin(String zkAddress, String cluster) {
        this.cluster = cluster;
        this.admin = new ZKHelixAdmin(zkAddress);
        this.base = new ZkBaseDataAccessor<>(zkAddress);
        this.accessor = new ZKHelixDataAccessor(cluster, base);
    }

    public String cluster() {
        return cluster;
    }

    /** Reads one znode; {@code HelixAdmin.getClusters()} would scan (and complain about) every root znode. */
    public boolean clusterExists() {
        return base.exists("/" + cluster + "/CONFIGS/CLUSTER/" + cluster, 0);
    }

    public List<String> pools() {
        return admin.getResourcesInCluster(cluster);
    }

    public Optional<IdealState> idealState(String pool) {
        return Optional.ofNullable(admin.getResourceIdealState(cluster, pool));
    }

    public Optional<ExternalView> externalView(String pool) {
        return Optional.ofNullable(admin.getResourceExternalView(cluster, pool));
    }

    public List<InstanceConfig> instances() {
        List<InstanceConfig> configs = new ArrayList<>();
        for (String instance : admin.getInstancesInCluster(cluster)) {
            instanceConfig(instance).ifPresent(configs::add);
        }
        return configs;
    }

    /** Empty once the participant was dropped, also when that happens between listing and reading. */
    public Optional<InstanceConfig> instanceConfig(String instance) {
        try {
            return Optional.ofNullable(admin.getInstanceConfig(cluster, instance));
        } catch (HelixException dropped) {
            return Optional.empty();
        }
    }

    public Set<String> liveInstances() {
        return new HashSet<>(accessor.getChildNames(accessor.keyBuilder().liveInstances()));
    }

    /** The Helix controller that leads now, or empty. */
    public Optional<String> controllerLeader() {
        LiveInstance leader = accessor.getProperty(accessor.keyBuilder().controllerLeader());
        return leader == null ? Optional.empty() : Optional.of(leader.getInstanceName());
    }

    /** Slots owned by {@code instance}, as pool → slot names, from the IdealStates. */
    public List<SlotRef> slotsOf(String instance) {
        List<SlotRef> slots = new ArrayList<>();
        for (String pool : pools()) {
            idealState(pool).ifPresent(is -> {
                for (String slot : is.getPartitionSet()) {
                    Map<String, String> target = is.getInstanceStateMap(slot);
                    if (target != null && target.containsKey(instance)) {
                        slots.add(new SlotRef(pool, slot, instance, target.get(instance)));
                    }
                }
            });
        }
        return slots;
    }

    public Optional<SlotRef> slot(String slotName) {
        for (String pool : pools()) {
            Optional<IdealState> is = idealState(pool);
            if (is.isPresent() && is.get().getInstanceStateMap(slotName) != null) {
                Map<String, String> target = is.get().getInstanceStateMap(slotName);
                String instance = target.keySet().iterator().next();
                return Optional.of(new SlotRef(pool, slotName, instance, target.get(instance)));
            }
        }
        return Optional.empty();
    }

    /** Helix moves the participant's slots to OFFLINE; each unload waits for the slot's running job. */
    public void disableInstance(String instance, String reason) {
        admin.enableInstance(cluster, instance, false, InstanceConstants.InstanceDisabledType.USER_OPERATION, reason);
        LOG.info("Disabled participant {} in Helix: {}", instance, reason);
    }

    public void enableInstance(String instance) {
        admin.enableInstance(cluster, instance, true);
        LOG.info("Enabled participant {} in Helix", instance);
    }

    public void setSlotEnabled(SlotRef slot, boolean enabled) {
        admin.enablePartition(enabled, cluster, slot.instance(), slot.pool(), List.of(slot.name()));
        LOG.info("{} slot {} on {}", enabled ? "Enabled" : "Disabled", slot.name(), slot.instance());
    }

    public boolean isSlotEnabled(SlotRef slot, InstanceConfig config) {
        return !config.getDisabledPartitionsMap().getOrDefault(slot.pool(), List.of()).contains(slot.name());
    }

    /** Takes every slot of {@code instance} out of its pool's IdealState (Helix then drops them). */
    public int removeSlots(String instance) {
        int removed = 0;
        for (String pool : pools()) {
            PropertyKey key = accessor.keyBuilder().idealStates(pool);
            int[] count = {0};
            accessor.updateProperty(key, current -> {
                if (current == null) {
                    return null;
                }
                count[0] = 0;
                current.getMapFields().entrySet().removeIf(e -> {
                    boolean owned = e.getValue().containsKey(instance);
                    count[0] += owned ? 1 : 0;
                    return owned;
                });
                current.getListFields().keySet().retainAll(current.getMapFields().keySet());
                current.setSimpleField(IdealState.IdealStateProperty.NUM_PARTITIONS.name(),
                        Integer.toString(current.getMapFields().size()));
                return current;
            }, new IdealState(pool));
            removed += count[0];
        }
        if (removed > 0) {
            LOG.info("Removed {} slot(s) of {} from Helix", removed, instance);
        }
        return removed;
    }

    /** Drops the participant's registration; false while it is still live or its znodes still change (try again). */
    public boolean dropInstance(String instance) {
        if (liveInstances().contains(instance)) {
            return false;
        }
        Optional<InstanceConfig> config = instanceConfig(instance);
        if (config.isEmpty()) {
            return true;
        }
        try {
            admin.dropInstance(cluster, config.get());
            LOG.info("Dropped participant {} from Helix", instance);
        } catch (HelixException | ZkException raced) {
            // The drainer and the reconciler may both evict the same participant: gone is gone. Helix lists the
            // instance's znodes before its atomic delete, so a message or current state the controller removes in
            // between fails it with NONODE: not gone yet, and the caller's next poll tries again.
            if (admin.getInstancesInCluster(cluster).contains(instance)) {
                LOG.info("Participant {} not dropped yet ({}); its znodes changed meanwhile", instance, raced.getMessage());
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        base.close();
        admin.close();
    }

    /** A slot as the IdealState pins it: its pool, its owner, and the state Helix is asked to reach. */
    public record SlotRef(String pool, String name, String instance, String target) {
    }
}
