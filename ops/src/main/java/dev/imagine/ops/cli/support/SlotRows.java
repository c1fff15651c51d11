package dev.imagine.ops.cli.support;

import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.controller.slurm.SlurmNaming;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.SlotBreakers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.InstanceConfig;

/** Every slot as an operator sees it: what Helix targets, what it reached, whether it can take work. */
public final class SlotRows {
    private SlotRows() {
    }

    /**
     * @param state  the ExternalView state now (OFFLINE, ERROR, V8, ...), "-" before the first report
     * @param target the state the IdealState asks for
     * @param health ready, loading, offline, disabled, participant-disabled, down (participant not live), error,
     *               breaker-open (too many failures; disabled until a health check passes), stuck (its worker is
     *               still inside a run whose job was taken back: it takes no job until that run ends)
     * @param job    the job assigned to the slot, if any
     * @param kernels the slot's kernel backend and where it really runs, as its participant reported it
     */
    public record SlotRow(String pool, String slot, String instance, String state, String target, String version,
                          String health, String slurmJob, String job, String kernels) {
    }

    public static List<SlotRow> read(SlotAdmin admin, JobStore store) throws Exception {
        Map<String, InstanceConfig> configs = new HashMap<>();
        admin.instances().forEach(c -> configs.put(c.getInstanceName(), c));
        Set<String> live = admin.liveInstances();
        Set<String> broken = new java.util.HashSet<>(new SlotBreakers(store.client()).openSlots());
        List<SlotRow> rows = new ArrayList<>();
        for (String pool : admin.pools()) {
            IdealState idealState = admin.idealState(pool).orElse(null);
            if (idealState == null) {
                continue;
            }
            ExternalView view = admin.externalView(pool).orElse(null);
            for (String slot : new java.util.TreeSet<>(idealState.getPartitionSet())) {
                Map<String, String> target = idealState.getInstanceStateMap(slot);
                if (target == null || target.isEmpty()) {
                    continue;
                }
                String instance = target.keySet().iterator().next();
                Map<String, String> reached = view == null ? null : view.getStateMap(slot);
                String state = reached == null || reached.get(instance) == null ? "-" : reached.get(instance);
                InstanceConfig config = configs.get(instance);
                List<String> jobs = store.assignments(slot);
                String health = broken.contains(slot) ? "breaker-open"
                        : jobs.isEmpty() && store.slotIsBusy(slot) ? "stuck"
                        : health(admin, config, new SlotAdmin.SlotRef(pool, slot, instance, target.get(instance)),
                                live.contains(instance), state);
                rows.add(new SlotRow(pool, slot, instance, state, target.get(instance), ModelAffinity.versionFor(state),
                        health,
                        config == null ? null : config.getRecord().getSimpleField(SlurmNaming.JOB_ID),
                        jobs.isEmpty() ? null : jobs.getFirst(),
                        config == null ? null : config.getRecord().getSimpleField("kernels." + slot)));
            }
        }
        return rows;
    }

    private static String health(SlotAdmin admin, InstanceConfig config, SlotAdmin.SlotRef slot, boolean live,
                                 String state) {
        if (!live) {
            return "down";
        }
        if (config != null && !config.getInstanceEnabled()) {
            return "participant-disabled";
        }
        if (config != null && !admin.isSlotEnabled(slot, config)) {
            return "disabled";
        }
        if (state.equals(ModelAffinity.ERROR)) {
            return "error";
        }
        if (ModelAffinity.versionFor(state) != null) {
            return state.equals(slot.target()) ? "ready" : "switching";
        }
        return ModelAffinity.versionFor(slot.target()) != null ? "loading" : "offline";
    }
}
