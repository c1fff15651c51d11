package dev.imagine.controller.slurm;

import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmException;
import dev.imagine.slurm.SlurmJob;
import dev.imagine.slurm.SlurmNode;
import dev.imagine.slurm.SlurmPartition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.helix.model.InstanceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Slurm and Helix in agreement, one idempotent pass at a time (run by the leading controller only):
 * <ul>
 *   <li>a participant whose Slurm job ended, failed, was cancelled or is unknown to Slurm ⇒ its jobs are
 *       re-queued and its slots leave Helix ({@link SlotEviction});</li>
 *   <li>a participant on a Slurm node that is DOWN or DRAIN ⇒ disabled in Helix (its slots go OFFLINE once
 *       their running job ends), and enabled again when the node recovers — only if we disabled it;</li>
 *   <li>a participant in a pool that is a Slurm partition but with no Slurm job recorded ⇒ reported.</li>
 * </ul>
 * If Slurm cannot be read, the pass changes nothing: a Slurm outage must not empty Helix.
 */
public final class SlurmReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmReconciler.class);

    private final SlurmClient slurm;
    private final SlotAdmin slots;
    private final SlotEviction eviction;
    private final String cluster;
    private final Clock clock;
    private final Set<String> reportedUnmanaged = new HashSet<>();
    private String lastSlurmError;

    public SlurmReconciler(SlurmClient slurm, SlotAdmin slots, SlotEviction eviction, Clock clock) {
        this.slurm = slurm;
        this.slots = slots;
        this.eviction = eviction;
        this.cluster = slots.cluster();
        this.clock = clock;
    }

    public ReconcilePass reconcileOnce() throws Exception {
        Map<Long, SlurmJob> ours = new HashMap<>();
        Set<String> badNodes = new HashSet<>();
        Map<String, String> nodeStates = new HashMap<>();
        Set<String> slurmPools = new HashSet<>();
        try {
            for (SlurmJob job : slurm.jobs()) {
                if (SlurmNaming.poolOf(cluster, job.name()).isPresent()) {
                    ours.put(job.id(), job);
                }
            }
            for (SlurmNode node : slurm.nodes()) {
                nodeStates.put(node.name(), node.describeState());
                if (node.isUnavailable()) {
                    badNodes.add(node.name());
                }
            }
            slurm.partitions().stream().map(SlurmPartition::name).forEach(slurmPools::add);
        } catch (SlurmException e) {
            if (!e.getMessage().equals(lastSlurmError)) {
                LOG.warn("Slurm reconcile skipped, Helix left as it is: {}", e.getMessage());
                lastSlurmError = e.getMessage();
            }
            return ReconcilePass.slurmUnavailable(e.getMessage());
        }
        if (lastSlurmError != null) {
            LOG.info("Slurm answers again at {}", slurm.endpoint());
            lastSlurmError = null;
        }
        List<String> evicted = new ArrayList<>();
        List<String> disabled = new ArrayList<>();
        List<String> enabled = new ArrayList<>();
        List<String> unmanaged = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        for (InstanceConfig config : slots.instances()) {
            String instance = config.getInstanceName();
            String jobField = config.getRecord().getSimpleField(SlurmNaming.JOB_ID);
            if (jobField == null) {
                if (config.getTags().stream().anyMatch(slurmPools::contains)) {
                    unmanaged.add(instance);
                    if (reportedUnmanaged.add(instance)) {
                        LOG.warn("Participant {} is in Slurm pool {} but no Slurm job hosts it", instance, config.getTags());
                    }
                }
                continue;
            }
            long jobId = Long.parseLong(jobField);
            SlurmJob job = ours.containsKey(jobId) ? ours.get(jobId) : slurm.job(jobId).orElse(null);
            if (job == null || job.state().hasEnded()) {
                String why = job == null ? "Slurm job " + jobId + " is unknown to Slurm"
                        : "Slurm job " + jobId + " is " + job.state();
                boolean gone = eviction.evict(instance, why);
                evicted.add(instance);
                long lag = job == null || job.endTimeEpoch() == 0 ? -1 : clock.millis() - job.endTimeEpoch() * 1000;
                lags.add(lag);
                LOG.info("Reconciled participant {}: {}; slots out of Helix {} ms after Slurm's end time{}", instance,
                        why, lag, gone ? "" : " (registration dropped once it disconnects)");
                continue;
            }
            String node = config.getRecord().getSimpleField(SlurmNaming.NODE);
            if (node == null) {
                node = job.nodes();
            }
            String disabledReason = config.getInstanceDisabledReason();
            boolean disabledByUs = !config.getInstanceEnabled() && disabledReason != null
                    && disabledReason.startsWith(SlurmNaming.NODE_DISABLE_PREFIX);
            if (badNodes.contains(node) && config.getInstanceEnabled()) {
                slots.disableInstance(instance, SlurmNaming.NODE_DISABLE_PREFIX + node + " is " + nodeStates.get(node));
                disabled.add(instance);
            } else if (!badNodes.contains(node) && disabledByUs) {
                slots.enableInstance(instance);
                enabled.add(instance);
            }
        }
        return new ReconcilePass(evicted, disabled, enabled, unmanaged, lags, null);
    }
}
