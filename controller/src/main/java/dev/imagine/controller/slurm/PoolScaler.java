package dev.imagine.controller.slurm;

import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmException;
import dev.imagine.slurm.SlurmJob;
import dev.imagine.slurm.SlurmJobState;
import dev.imagine.slurm.SlurmPartition;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.helix.model.ExternalView;
import org.apache.helix.zookeeper.zkclient.exception.ZkNoNodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scales a GPU pool (= the Slurm partition of the same name) to N slots: submits a Slurm job per
 * {@code slotsPerJob} slots missing, or releases surplus jobs (pending ones first, then the newest running
 * ones, drained so their running jobs finish). Optionally waits until N slots serve a model version.
 */
public final class PoolScaler {
    private static final Logger LOG = LoggerFactory.getLogger(PoolScaler.class);

    private final SlurmClient slurm;
    private final SlotAdmin slots;
    private final ParticipantLaunch launch;
    private final PoolDrainer drainer;

    public PoolScaler(SlurmClient slurm, SlotAdmin slots, ParticipantLaunch launch, PoolDrainer drainer) {
        this.slurm = slurm;
        this.slots = slots;
        this.launch = launch;
        this.drainer = drainer;
    }

    public ScaleResult scale(String pool, int targetSlots, Duration readyTimeout, Consumer<String> progress)
            throws Exception {
        if (targetSlots < 0) {
            throw new IllegalArgumentException("--slots must be 0 or more, got " + targetSlots);
        }
        long start = System.nanoTime();
        List<String> partitions = slurm.partitions().stream().map(SlurmPartition::name).toList();
        if (!partitions.contains(pool)) {
            throw new SlurmException("Slurm at " + slurm.endpoint() + " has no partition '" + pool
                    + "'; a GPU pool is a Slurm partition of the same name (partitions: " + partitions + ")");
        }
        List<SlurmJob> active = PoolJobs.active(slurm, slots.cluster(), pool);
        int perJob = launch.slotsPerJob();
        int wantJobs = (targetSlots + perJob - 1) / perJob;
        List<Long> submitted = new ArrayList<>();
        List<Long> released = new ArrayList<>();
        if (wantJobs > active.size()) {
            Files.createDirectories(launch.workDir());
            for (int i = active.size(); i < wantJobs; i++) {
                long id = slurm.submit(launch.request(pool));
                submitted.add(id);
                progress.accept("Submitted Slurm job " + id + " to partition " + pool + " (" + (i + 1) + " of " + wantJobs + ")");
            }
        } else if (wantJobs < active.size()) {
            List<SlurmJob> surplus = active.stream()
                    .sorted(Comparator.comparing((SlurmJob j) -> j.state() == SlurmJobState.PENDING ? 0 : 1)
                            .thenComparing(Comparator.comparingLong(SlurmJob::id).reversed()))
                    .limit(active.size() - wantJobs)
                    .toList();
            drainer.drainJobs(pool, surplus, readyTimeout, progress);
            surplus.forEach(j -> released.add(j.id()));
        }
        int ready = readyTimeout.isZero() ? readySlots(pool) : awaitReady(pool, wantJobs * perJob, readyTimeout, progress);
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("Pool {} scaled to {} slot(s): submitted {}, released {}, {} ready after {} ms", pool, targetSlots,
                submitted, released, ready, millis);
        return new ScaleResult(pool, targetSlots, submitted, released, ready, millis);
    }

    private int awaitReady(String pool, int want, Duration timeout, Consumer<String> progress) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (true) {
            int ready;
            try {
                ready = readySlots(pool);
            } catch (ZkNoNodeException joining) {
                // A participant joining writes its Helix nodes while we read them: not ready yet, look again.
                ready = Math.max(0, last);
            }
            if (ready != last) {
                progress.accept(ready + "/" + want + " slot(s) of pool " + pool + " ready");
                last = ready;
            }
            if (ready == want) {
                return ready;
            }
            if (System.nanoTime() >= deadline) {
                throw new SlurmException(ready + " of " + want + " slot(s) of pool " + pool + " were ready after "
                        + timeout.toSeconds() + " s; see the Slurm job output in " + launch.workDir());
            }
            Thread.sleep(100);
        }
    }

    /** Live slots of Slurm-hosted participants that hold a model version. */
    int readySlots(String pool) {
        ExternalView view = slots.externalView(pool).orElse(null);
        if (view == null) {
            return 0;
        }
        var live = slots.liveInstances();
        int ready = 0;
        for (String slot : view.getPartitionSet()) {
            var states = view.getStateMap(slot);
            if (states == null) {
                continue;
            }
            for (var entry : states.entrySet()) {
                if (SlurmNaming.isSlurmInstance(entry.getKey()) && live.contains(entry.getKey())
                        && ModelAffinity.versionFor(entry.getValue()) != null) {
                    ready++;
                }
            }
        }
        return ready;
    }

    /**
     * @param ready slots serving a model version when the call returned
     */
    public record ScaleResult(String pool, int targetSlots, List<Long> submitted, List<Long> released, int ready,
                              long millis) {
    }
}
