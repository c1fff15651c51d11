package dev.imagine.controller.slurm;

import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.core.zk.JobStore;
import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.InstanceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains Slurm-hosted participants: disable them in Helix (no new jobs; each slot unloads after its
 * running job), wait for their running jobs to finish (bounded), cancel their Slurm jobs, and take them
 * out of Helix. A job still running at the timeout is re-queued at the front of its lane, so none is lost.
 */
public final class PoolDrainer {
    private static final Logger LOG = LoggerFactory.getLogger(PoolDrainer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(30);

    private final SlurmClient slurm;
    private final SlotAdmin slots;
    private final JobStore store;
    private final SlotEviction eviction;

    public PoolDrainer(SlurmClient slurm, SlotAdmin slots, JobStore store, SlotEviction eviction) {
        this.slurm = slurm;
        this.slots = slots;
        this.store = store;
        this.eviction = eviction;
    }

    /** Every active Slurm job of the pool. */
    public DrainResult drain(String pool, Duration timeout, Consumer<String> progress) throws Exception {
        return drainJobs(pool, PoolJobs.active(slurm, slots.cluster(), pool), timeout, progress);
    }

    public DrainResult drainJobs(String pool, List<SlurmJob> jobs, Duration timeout, Consumer<String> progress)
            throws Exception {
        long start = System.nanoTime();
        Map<String, Long> hosted = new HashMap<>();
        for (InstanceConfig config : slots.instances()) {
            String jobId = config.getRecord().getSimpleField(SlurmNaming.JOB_ID);
            if (jobId != null && jobs.stream().anyMatch(j -> Long.toString(j.id()).equals(jobId))) {
                hosted.put(config.getInstanceName(), Long.parseLong(jobId));
            }
        }
        for (String instance : hosted.keySet()) {
            slots.disableInstance(instance, SlurmNaming.DRAIN_REASON);
        }
        progress.accept("Disabled " + hosted.size() + " participant(s) of pool " + pool + "; waiting for running jobs (up to "
                + timeout.toSeconds() + " s)");
        boolean idle = awaitIdle(pool, hosted.keySet(), timeout);
        if (!idle) {
            progress.accept("Timed out after " + timeout.toSeconds() + " s; jobs still running will be re-queued");
        }
        for (SlurmJob job : jobs) {
            slurm.cancel(job.id());
        }
        progress.accept("Cancelled " + jobs.size() + " Slurm job(s) " + jobs.stream().map(SlurmJob::id).toList());
        int requeued = 0;
        long deadline = System.nanoTime() + LEAVE_TIMEOUT.toNanos();
        List<String> remaining = new ArrayList<>(hosted.keySet());
        while (!remaining.isEmpty() && System.nanoTime() < deadline) {
            for (String instance : List.copyOf(remaining)) {
                for (SlotAdmin.SlotRef slot : slots.slotsOf(instance)) {
                    requeued += eviction.requeueAssigned(slot.name(), "pool " + pool + " drained");
                }
                if (eviction.evict(instance, "pool " + pool + " drained")) {
                    remaining.remove(instance);
                }
            }
            if (!remaining.isEmpty()) {
                Thread.sleep(POLL.toMillis());
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("Drained {} Slurm job(s) of pool {} in {} ms ({} job(s) re-queued, {} participant(s) still registered)",
                jobs.size(), pool, millis, requeued, remaining.size());
        return new DrainResult(jobs.stream().map(SlurmJob::id).toList(), List.copyOf(hosted.keySet()), requeued,
                idle, remaining, millis);
    }

    /** Idle: no slot of these participants holds an assignment, and none still shows a model version. */
    private boolean awaitIdle(String pool, Iterable<String> instances, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (isIdle(pool, instances)) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private boolean isIdle(String pool, Iterable<String> instances) throws Exception {
        ExternalView view = slots.externalView(pool).orElse(null);
        for (String instance : instances) {
            for (SlotAdmin.SlotRef slot : slots.slotsOf(instance)) {
                if (!store.assignments(slot.name()).isEmpty()) {
                    return false;
                }
                Map<String, String> states = view == null ? null : view.getStateMap(slot.name());
                if (states != null && ModelAffinity.versionFor(states.get(instance)) != null) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * @param cancelled     Slurm jobs cancelled
     * @param participants  Helix participants they hosted
     * @param requeued      jobs re-queued because they were still assigned when their participant left
     * @param finishedClean all running jobs finished before the timeout
     * @param stillRegistered participants that had not left Helix when the drain gave up waiting
     */
    public record DrainResult(List<Long> cancelled, List<String> participants, int requeued, boolean finishedClean,
                              List<String> stillRegistered, long millis) {
    }
}
