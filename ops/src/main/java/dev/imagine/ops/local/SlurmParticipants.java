package dev.imagine.ops.local;

import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.controller.slurm.ParticipantLaunch;
import dev.imagine.controller.slurm.PoolDrainer;
import dev.imagine.controller.slurm.PoolScaler;
import dev.imagine.controller.slurm.SlotEviction;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.slurm.SlurmClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code up --slurm}: the participants run as Slurm jobs in one partition (the GPU pool). Starting scales
 * the pool to the configured slots; closing drains it, so the Slurm jobs end with the system.
 */
public final class SlurmParticipants implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmParticipants.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final String pool;
    private final CuratorFramework zk;
    private final SlotAdmin slots;
    private final PoolScaler scaler;
    private final PoolDrainer drainer;

    public SlurmParticipants(SlurmClient slurm, String zkAddress, LocalClusterConfig config) {
        this.pool = config.slurmPartition();
        this.zk = ZkClients.connect(zkAddress, Duration.ofSeconds(10));
        this.slots = new SlotAdmin(zkAddress, LocalClusterConfig.CLUSTER);
        JobStore store = new JobStore(zk);
        this.drainer = new PoolDrainer(slurm, slots, store, new SlotEviction(slots, store, Clock.systemUTC()));
        ParticipantLaunch launch = ParticipantLaunch.likeThisJvm(zkAddress, LocalClusterConfig.CLUSTER,
                config.defaultVersion(), config.preset().name().toLowerCase(Locale.ROOT), config.imageDir(),
                config.slurmWorkDir(), config.slotsPerParticipant());
        this.scaler = new PoolScaler(slurm, slots, launch, drainer);
    }

    public PoolScaler scaler() {
        return scaler;
    }

    public PoolDrainer drainer() {
        return drainer;
    }

    public String pool() {
        return pool;
    }

    /** Submits the Slurm jobs for {@code totalSlots}; readiness is awaited by the caller. */
    public SlurmParticipants scaleTo(int totalSlots) throws Exception {
        scaler.scale(pool, totalSlots, Duration.ZERO, line -> LOG.info("{}", line));
        return this;
    }

    @Override
    public void close() {
        try {
            drainer.drain(pool, DRAIN_TIMEOUT, line -> LOG.info("{}", line));
        } catch (Exception e) {
            LOG.warn("Draining Slurm pool {} on shutdown failed ({}); cancel its jobs with scancel", pool, e.toString());
        }
        slots.close();
        zk.close();
    }
}
