package dev.imagine.controller.helix;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.helix.HelixManager;
import org.apache.helix.HelixManagerFactory;
import org.apache.helix.InstanceType;
import java.util.HashMap;
import org.apache.helix.api.listeners.ExternalViewChangeListener;
import org.apache.helix.api.listeners.InstanceConfigChangeListener;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.api.listeners.LiveInstanceChangeListener;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.LiveInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dispatcher believes about slots: Helix's ExternalView and live instances, kept current by
 * Helix's own change listeners on a SPECTATOR connection (no polling of Helix's znodes).
 */
public final class SlotView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotView.class);

    private final HelixManager spectator;
    private final Runnable onChange;
    private volatile List<ExternalView> views = List.of();
    private volatile Set<String> liveInstances = Set.of();
    private volatile Map<String, InstanceConfig> instanceConfigs = Map.of();

    public SlotView(String zkAddress, String cluster, String name, Runnable onChange) {
        this.spectator = HelixManagerFactory.getZKHelixManager(cluster, name, InstanceType.SPECTATOR, zkAddress);
        this.onChange = onChange;
    }

    public SlotView start() throws Exception {
        spectator.connect();
        spectator.addLiveInstanceChangeListener((LiveInstanceChangeListener) (instances, context) -> {
            Set<String> names = new HashSet<>();
            for (LiveInstance instance : instances) {
                names.add(instance.getInstanceName());
            }
            liveInstances = Set.copyOf(names);
            onChange.run();
        });
        spectator.addInstanceConfigChangeListener((InstanceConfigChangeListener) (configs, context) -> {
            Map<String, InstanceConfig> byName = new HashMap<>();
            for (InstanceConfig config : configs) {
                byName.put(config.getInstanceName(), config);
            }
            instanceConfigs = Map.copyOf(byName);
            onChange.run();
        });
        spectator.addExternalViewChangeListener((ExternalViewChangeListener) (externalViews, context) -> {
            views = List.copyOf(externalViews);
            onChange.run();
        });
        LOG.info("Watching Helix ExternalView of cluster {}", spectator.getClusterName());
        return this;
    }

    public List<Slot> slots() {
        Set<String> live = liveInstances;
        Map<String, InstanceConfig> configs = instanceConfigs;
        List<Slot> slots = new ArrayList<>();
        for (ExternalView view : views) {
            for (String partition : view.getPartitionSet()) {
                Map<String, String> states = view.getStateMap(partition);
                if (states == null) {
                    continue;
                }
                states.forEach((instance, state) -> slots.add(new Slot(view.getResourceName(), partition, instance, state,
                        live.contains(instance), enabled(configs.get(instance), view.getResourceName(), partition))));
            }
        }
        return slots;
    }

    private static boolean enabled(InstanceConfig config, String resource, String partition) {
        return config == null || config.getInstanceEnabled() && config.getInstanceEnabledForPartition(resource, partition);
    }

    /** A field of the participant's instance config (e.g. its device memory), or null. */
    public String instanceAttribute(String instance, String key) {
        InstanceConfig config = instanceConfigs.get(instance);
        return config == null ? null : config.getRecord().getSimpleField(key);
    }

    public boolean isLive(String instance) {
        return liveInstances.contains(instance);
    }

    public HelixManager manager() {
        return spectator;
    }

    @Override
    public void close() {
        spectator.disconnect();
    }
}
