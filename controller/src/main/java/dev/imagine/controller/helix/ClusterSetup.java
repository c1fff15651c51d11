package dev.imagine.controller.helix;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.helix.HelixAdmin;
import org.apache.helix.constants.InstanceConstants;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.PropertyKey;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent Helix setup: the cluster, the {@link ModelAffinity} state model, one resource per GPU pool
 * (CUSTOMIZED placement: every slot partition is pinned to the participant that owns its device), and
 * the participants' instance configs. Every call may be repeated by any process at any time.
 */
public final class ClusterSetup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

    private final String zkAddress;
    private final String cluster;
    private final HelixAdmin admin;

    public ClusterSetup(String zkAddress, String cluster) {
        this.zkAddress = zkAddress;
        this.cluster = cluster;
        this.admin = new ZKHelixAdmin(zkAddress);
    }

    public String cluster() {
        return cluster;
    }

    public String zkAddress() {
        return zkAddress;
    }

    /**
     * Cluster and state model. The state model is rewritten when a version is added; versions it already
     * has are kept (an operator's {@code models add} survives a controller restart).
     */
    public void ensureCluster(Collection<String> versions) {
        if (admin.addCluster(cluster, false)) {
            LOG.info("Created Helix cluster {}", cluster);
        }
        var existing = admin.getStateModelDef(cluster, ModelAffinity.NAME);
        Set<String> all = new TreeSet<>(versions);
        if (existing != null) {
            all.addAll(ModelAffinity.versionsIn(existing));
        }
        var definition = ModelAffinity.definition(all);
        if (existing == null || !existing.getStatesPriorityList().equals(definition.getStatesPriorityList())) {
            admin.addStateModelDef(cluster, ModelAffinity.NAME, definition, true);
            LOG.info("State model {} now has states {}", ModelAffinity.NAME, definition.getStatesPriorityList());
        }
    }

    public void ensurePool(String pool) {
        if (admin.getResourcesInCluster(cluster).contains(pool)) {
            return;
        }
        IdealState idealState = new IdealState(pool);
        idealState.setStateModelDefRef(ModelAffinity.NAME);
        idealState.setRebalanceMode(IdealState.RebalanceMode.CUSTOMIZED);
        idealState.setReplicas("1");
        idealState.setNumPartitions(0);
        try {
            admin.addResource(cluster, pool, idealState);
            LOG.info("Created GPU pool {} (Helix resource, CUSTOMIZED placement)", pool);
        } catch (RuntimeException raced) {
            // Two participants of a new pool race here; Helix reports the loser as a HelixException or a
            // ZkNodeExistsException depending on where the race falls. Only a pool that still is absent is an error.
            if (!admin.getResourcesInCluster(cluster).contains(pool)) {
                throw raced;
            }
            LOG.debug("Pool {} was created concurrently", pool);
        }
    }

    /** The model versions the state model knows now. */
    public Set<String> versions() {
        var existing = admin.getStateModelDef(cluster, ModelAffinity.NAME);
        return existing == null ? Set.of() : ModelAffinity.versionsIn(existing);
    }

    public void ensureInstance(String instance, String host, int port, String pool) {
        ensureInstance(instance, host, port, pool, Map.of());
    }

    /**
     * @param attributes extra instance-config fields, e.g. the Slurm job that hosts the participant
     *                   ({@code SLURM_JOB_ID}) and the devices its slots map to
     */
    public void ensureInstance(String instance, String host, int port, String pool, Map<String, String> attributes) {
        if (admin.getInstancesInCluster(cluster).contains(instance)) {
            refreshAttributes(instance, attributes);
            ensureAssignable(instance);
            return;
        }
        InstanceConfig config = new InstanceConfig(instance);
        attributes.forEach(config.getRecord()::setSimpleField);
        config.setHostName(host);
        config.setPort(Integer.toString(port));
        config.setInstanceEnabled(true);
        config.addTag(pool);
        for (int attempt = 1; ; attempt++) {
            try {
                admin.addInstance(cluster, config);
                LOG.info("Registered participant {} in pool {}", instance, pool);
                ensureAssignable(instance);
                return;
            } catch (RuntimeException raced) {
                if (admin.getInstancesInCluster(cluster).contains(instance)) {
                    LOG.debug("Participant {} was registered concurrently", instance);
                    ensureAssignable(instance);
                    return;
                }
                // Helix's addInstance reads every registered instance's config; one registered a moment ago whose
                // config is not written yet makes it fail ("instance: X is NOT setup"). That passes: try again.
                if (attempt >= 20) {
                    throw raced;
                }
                LOG.debug("Registering participant {} raced another one ({}); retrying", instance, raced.getMessage());
                sleepQuietly(50L * attempt);
            }
        }
    }

    /**
     * Helix's addInstance checks the new instance against every registered one; when one of those is registering at
     * the same moment (its config written, its folders not yet) the check fails, and Helix adds the instance anyway
     * with the instance operation UNKNOWN: never assigned anything, its slots never load. Such an instance, now or
     * from an earlier life, is set back to ENABLE once the check can pass. An operator's DISABLE or EVACUATE stays.
     */
    private void ensureAssignable(String instance) {
        for (int attempt = 1; ; attempt++) {
            try {
                InstanceConfig stored = admin.getInstanceConfig(cluster, instance);
                if (stored.getInstanceOperation().getOperation() != InstanceConstants.InstanceOperation.UNKNOWN) {
                    return;
                }
                admin.setInstanceOperation(cluster, instance, InstanceConstants.InstanceOperation.ENABLE);
                LOG.info("Participant {} was left UNKNOWN by a registration race; set back to ENABLE", instance);
                return;
            } catch (RuntimeException stillRacing) {
                if (attempt >= 20) {
                    throw stillRacing;
                }
                sleepQuietly(50L * attempt);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering a participant", e);
        }
    }

    /** A participant that rejoins reports what is true now (its kernel backend, its Slurm job), not what was. */
    private void refreshAttributes(String instance, Map<String, String> attributes) {
        InstanceConfig config = admin.getInstanceConfig(cluster, instance);
        boolean changed = false;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!e.getValue().equals(config.getRecord().getSimpleField(e.getKey()))) {
                config.getRecord().setSimpleField(e.getKey(), e.getValue());
                changed = true;
            }
        }
        if (changed) {
            admin.setInstanceConfig(cluster, instance, config);
        }
    }

    /**
     * Adds {@code count} slots owned by {@code instance} to its pool, each targeting {@code version};
     * a slot that already exists keeps the version it targets. Compare-and-set on the IdealState.
     */
    public void ensureSlots(HelixDataAccessor accessor, String pool, String instance, int count, String version) {
        PropertyKey key = accessor.keyBuilder().idealStates(pool);
        accessor.updateProperty(key, current -> {
            ZNRecord record = current == null ? new ZNRecord(pool) : current;
            for (int i = 0; i < count; i++) {
                String slot = SlotNames.slot(pool, instance, i);
                if (!record.getMapFields().containsKey(slot)) {
                    record.setMapField(slot, Map.of(instance, ModelAffinity.stateFor(version)));
                }
            }
            record.setSimpleField(IdealState.IdealStateProperty.NUM_PARTITIONS.name(),
                    Integer.toString(record.getMapFields().size()));
            return record;
        }, new IdealState(pool));
        LOG.info("Pool {} has {} slot(s) of {} targeting {}", pool, count, instance, ModelAffinity.stateFor(version));
    }

    /** Points one slot at another model version (the planner's decision); Helix then unloads and loads. */
    public void retarget(HelixDataAccessor accessor, String pool, String slot, String instance, String version) {
        PropertyKey key = accessor.keyBuilder().idealStates(pool);
        accessor.updateProperty(key, current -> {
            if (current != null && current.getMapFields().containsKey(slot)) {
                current.setMapField(slot, Map.of(instance, ModelAffinity.stateFor(version)));
            }
            return current;
        }, new IdealState(pool));
        LOG.info("Slot {} retargeted to {}", slot, ModelAffinity.stateFor(version));
    }

    @Override
    public void close() {
        admin.close();
    }
}
