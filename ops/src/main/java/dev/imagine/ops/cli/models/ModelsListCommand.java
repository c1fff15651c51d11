package dev.imagine.ops.cli.models;

import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.Versioned;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.SlotRows;
import dev.imagine.ops.cli.support.SlotRows.SlotRow;
import dev.imagine.ops.cli.support.Table;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code imagine models list}: each version, the slots holding and targeting it, and the jobs waiting for it. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Model versions: Helix state, slots holding / targeting it, queued jobs, weights in this build.")
public final class ModelsListCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    public record Model(String version, String state, long holding, long targeting, int queued, boolean weightsInBuild) {
    }

    @Override
    public Integer call() throws Exception {
        List<Model> models = new ArrayList<>();
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            JobStore store = cluster.store();
            List<SlotRow> slots = SlotRows.read(cluster.slots(), store);
            Map<String, Integer> queued = new HashMap<>();
            for (Lane lane : Lane.values()) {
                for (LaneEntry entry : store.laneEntries(lane)) {
                    store.get(entry.jobId()).map(Versioned::value).map(JobRecord::spec)
                            .ifPresent(spec -> queued.merge(spec.modelVersion(), 1, Integer::sum));
                }
            }
            for (String version : cluster.setup().versions()) {
                String state = ModelAffinity.stateFor(version);
                models.add(new Model(version, state,
                        slots.stream().filter(s -> state.equals(s.state()) && !s.health().equals("down")).count(),
                        slots.stream().filter(s -> state.equals(s.target())).count(),
                        queued.getOrDefault(version, 0), ModelRegistry.slotVersions().contains(version)));
            }
        }
        if (output.json) {
            output.printJson(models);
            return 0;
        }
        Table table = new Table("VERSION", "STATE", "HOLDING", "TARGETING", "QUEUED", "WEIGHTS");
        models.forEach(m -> table.row(m.version(), m.state(), m.holding(), m.targeting(), m.queued(),
                m.weightsInBuild() ? "in this build" : "missing"));
        table.print(output.out(), "");
        return 0;
    }
}
