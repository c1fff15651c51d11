package dev.imagine.api.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.api.errors.ApiException;
import dev.imagine.core.model.ModelNeeds;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * What the API knows of the slots, read from Helix's own znodes through caches (no Helix client): the
 * capacities in the instance configs ({@code /<cluster>/CONFIGS/PARTICIPANT}) and the slots per model version
 * in the ExternalView ({@code /<cluster>/EXTERNALVIEW}).
 *
 * <p>It refuses at submission a job no slot can ever serve (its model version is not a state of the cluster's
 * {@code ModelAffinity} state model, or needs more device memory than any registered slot reports), instead of
 * leaving it waiting for ever. While no slot reports a capacity yet
 * (a cluster still starting), nothing is refused on this ground.
 */
public final class ClusterView implements Managed {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ZooKeeperConnection zk;
    private final String cluster;
    private CuratorCache configs;
    private CuratorCache views;
    private CuratorCache stateModel;
    private volatile int largestSlotMb = -1;
    /** The model versions the cluster's ModelAffinity state model has states for; null until read. */
    private volatile java.util.Set<String> servedVersions;
    private volatile Map<String, Integer> slotsByVersion = Map.of();

    public ClusterView(ZooKeeperConnection zk, String cluster) {
        this.zk = zk;
        this.cluster = cluster;
    }

    @Override
    public void start() {
        configs = CuratorCache.build(zk.client().usingNamespace(null), "/" + cluster + "/CONFIGS/PARTICIPANT");
        configs.listenable().addListener(CuratorCacheListener.builder().forAll((t, b, a) -> recompute()).build());
        configs.start();
        views = CuratorCache.build(zk.client().usingNamespace(null), "/" + cluster + "/EXTERNALVIEW");
        views.listenable().addListener(CuratorCacheListener.builder().forAll((t, b, a) -> recountSlots()).build());
        views.start();
        stateModel = CuratorCache.build(zk.client().usingNamespace(null), "/" + cluster + "/STATEMODELDEFS/ModelAffinity");
        stateModel.listenable().addListener(CuratorCacheListener.builder().forAll((t, b, a) -> readStateModel()).build());
        stateModel.start();
    }

    private void readStateModel() {
        java.util.Set<String> versions = new java.util.TreeSet<>();
        for (ChildData data : stateModel.stream().toList()) {
            if (data.getData() == null || data.getData().length == 0) {
                continue;
            }
            try {
                JSON.readTree(data.getData()).path("listFields").path("STATE_PRIORITY_LIST")
                        .forEach(state -> versionOf(state.asText()).ifPresent(versions::add));
            } catch (IOException e) {
                return;  // being rewritten; the next change reads it again
            }
        }
        servedVersions = versions.isEmpty() ? null : java.util.Set.copyOf(versions);
    }

    /** Slots whose ExternalView state holds {@code version} now. */
    public int slotsHolding(String version) {
        return slotsByVersion.getOrDefault(version, 0);
    }

    /** The model version a ModelAffinity state holds ("V8" is v8), as the controller's ModelAffinity maps it. */
    private static java.util.Optional<String> versionOf(String state) {
        String version = state.toLowerCase(Locale.ROOT);
        return List.of("offline", "error", "dropped").contains(version) ? java.util.Optional.empty()
                : java.util.Optional.of(version);
    }

    private void recountSlots() {
        Map<String, Integer> counts = new HashMap<>();
        for (ChildData data : views.stream().toList()) {
            if (data.getData() == null || data.getData().length == 0) {
                continue;
            }
            try {
                JSON.readTree(data.getData()).path("mapFields").forEach(instances -> instances.forEach(state ->
                        versionOf(state.asText()).ifPresent(version -> counts.merge(version, 1, Integer::sum))));
            } catch (IOException e) {
                // a view being rewritten; the next change recounts
            }
        }
        slotsByVersion = Map.copyOf(counts);
    }

    @Override
    public void stop() {
        if (configs != null) {
            configs.close();
        }
        if (views != null) {
            views.close();
        }
        if (stateModel != null) {
            stateModel.close();
        }
    }

    public void check(String version) {
        java.util.Set<String> served = servedVersions;
        if (served != null && !served.contains(version)) {
            throw new ApiException(422, "model " + version + " is not served by this cluster (its slots can hold "
                    + String.join(", ", served) + "); choose one of those with --v, or ask the operator to run "
                    + "`ops/imagine models add " + version + "`", "--v");
        }
        int largest = largestSlotMb;
        ModelNeeds needs = ModelNeeds.of(version);
        if (largest >= 0 && needs.deviceMemoryMb() > largest) {
            throw new ApiException(422, "model " + version + " needs " + needs.deviceMemoryMb()
                    + " MB of device memory and the largest slot of this cluster has " + largest
                    + " MB, so no slot can ever run it; choose another --v", "--v");
        }
    }

    private void recompute() {
        int largest = -1;
        for (ChildData data : configs.stream().toList()) {
            largest = Math.max(largest, memoryOf(data));
        }
        largestSlotMb = largest;
    }

    private static int memoryOf(ChildData data) {
        if (data.getData() == null || data.getData().length == 0) {
            return -1;
        }
        try {
            JsonNode memory = JSON.readTree(data.getData()).path("simpleFields").path(ModelNeeds.DEVICE_MEMORY_MB);
            return memory.isMissingNode() ? -1 : Integer.parseInt(memory.asText());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
