package dev.imagine.controller;

import dev.imagine.controller.dispatch.CircuitBreaker;
import dev.imagine.controller.dispatch.Dispatcher;
import dev.imagine.controller.dispatch.OrphanRecovery;
import dev.imagine.controller.dispatch.Planner;
import dev.imagine.core.scheduling.UserLoads;
import dev.imagine.core.scheduling.DispatchPolicy;
import dev.imagine.core.scheduling.PlacementPolicy;
import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.controller.helix.SlotView;
import dev.imagine.controller.slurm.ReconcileLoop;
import dev.imagine.controller.slurm.SlotEviction;
import dev.imagine.controller.slurm.SlurmReconciler;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneIndex;
import dev.imagine.core.zk.SlotBreakers;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.slurm.SlurmClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.helix.HelixManager;
import org.apache.helix.controller.HelixControllerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller process: the Helix controller (leader-elected among controllers by Helix) and the
 * job dispatcher (leader-elected by a Curator LeaderLatch: exactly one dispatches at a time).
 * The dispatcher wakes on any change to lanes, assignments, leases or the ExternalView, and at
 * least every {@code idleWake} as a safety net.
 */
public final class ImagineController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImagineController.class);
    private static final Duration IDLE_WAKE = Duration.ofMillis(500);

    private enum State { LATENT, STARTED, CLOSED }

    private final String zkAddress;
    private final String cluster;
    private final String name;
    private final Collection<String> versions;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final Semaphore wake = new Semaphore(0);
    private final Clock clock = Clock.systemUTC();

    private ClusterSetup setup;
    private HelixManager helixController;
    private SlotView slotView;
    private CuratorFramework zk;
    private List<CuratorCache> caches = List.of();
    private LeaderLatch latch;
    private Thread loop;
    private SlurmClient slurm;
    private Duration reconcileInterval;
    private SlotAdmin slotAdmin;
    private ReconcileLoop reconcileLoop;
    private SchedulerSettings scheduler = SchedulerSettings.DEFAULTS;
    private FailureSettings failures = FailureSettings.DEFAULTS;
    private SlotAdmin breakerAdmin;
    private LaneIndex lanes;

    public ImagineController(String zkAddress, String cluster, String name, Collection<String> versions) {
        this.zkAddress = zkAddress;
        this.cluster = cluster;
        this.name = name;
        this.versions = List.copyOf(versions);
    }

    /**
     * GPU pools on Slurm: the leader also runs the {@link SlurmReconciler} every {@code interval}.
     * Call before {@link #start}.
     */
    public ImagineController withSlurm(SlurmClient client, Duration interval) {
        if (state.get() != State.LATENT) {
            throw new IllegalStateException("withSlurm must be called before start");
        }
        this.slurm = client;
        this.reconcileInterval = interval;
        return this;
    }

    /** Scheduler knobs (Relax aging, planner hysteresis); call before {@link #start}. */
    public ImagineController withScheduler(SchedulerSettings settings) {
        if (state.get() != State.LATENT) {
            throw new IllegalStateException("withScheduler must be called before start");
        }
        this.scheduler = settings;
        return this;
    }

    /** Failure policy knobs (progress and claim timeouts, circuit breakers); call before {@link #start}. */
    public ImagineController withFailures(FailureSettings settings) {
        if (state.get() != State.LATENT) {
            throw new IllegalStateException("withFailures must be called before start");
        }
        this.failures = settings;
        return this;
    }

    public ImagineController start() throws Exception {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("controller " + name + " cannot be started more than once");
        }
        try {
            setup = new ClusterSetup(zkAddress, cluster);
            setup.ensureCluster(versions);
            helixController = HelixControllerMain.startHelixController(zkAddress, cluster, name,
                    HelixControllerMain.STANDALONE);
            LOG.info("Helix controller {} started for cluster {}", name, cluster);
            slotView = new SlotView(zkAddress, cluster, name + "-dispatcher", this::signal).start();
            zk = ZkClients.connect(zkAddress, Duration.ofSeconds(10));
            JobStore store = new JobStore(zk);
            store.ensureLayout();
            CuratorCache users = watch(ZkPaths.USERS);
            caches = List.of(watch(ZkPaths.ASSIGN), watch(ZkPaths.LEASES), users);
            // Lanes are watched by the index (one event per entry, no data read), not by a cache of every entry.
            lanes = new LaneIndex(zk, this::signal).start();
            latch = new LeaderLatch(zk, ZkPaths.DISPATCHER_LEADER, name);
            latch.start();
            Dispatcher dispatcher = new Dispatcher(store, lanes, slotView, new UserLoads(users),
                    new DispatchPolicy(scheduler.relaxPromoteAfter(), scheduler.turboRanks()), clock);
            // A claim takes milliseconds; the default minute covers a slot still loading weights when the job arrived.
            OrphanRecovery recovery = new OrphanRecovery(store, slotView, clock, failures.claimTimeout(),
                    failures.progressTimeout());
            breakerAdmin = new SlotAdmin(zkAddress, cluster);
            CircuitBreaker breaker = new CircuitBreaker(new SlotBreakers(zk), slotView, breakerAdmin, failures, clock);
            Planner planner = new Planner(setup, slotView, store, new PlacementPolicy(scheduler.plannerMinimumHold(),
                    scheduler.minimumWarmSlots(), scheduler.plannerHeadroom()), clock);
            loop = Thread.ofPlatform().name("dispatcher-" + name).daemon()
                    .start(() -> runLoop(dispatcher, recovery, breaker, planner));
            if (slurm != null) {
                slotAdmin = new SlotAdmin(zkAddress, cluster);
                SlurmReconciler reconciler = new SlurmReconciler(slurm, slotAdmin,
                        new SlotEviction(slotAdmin, store, clock), clock);
                reconcileLoop = new ReconcileLoop(name, reconciler, this::isDispatchLeader, reconcileInterval);
                LOG.info("Slurm reconciler {} started against {} (every {} ms, leader only)", name, slurm.endpoint(),
                        reconcileInterval.toMillis());
            }
            LOG.info("Dispatcher {} started; waiting for leadership", name);
            return this;
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Slots as the ExternalView shows them now. */
    public java.util.List<dev.imagine.controller.helix.Slot> slots() {
        return slotView == null ? List.of() : slotView.slots();
    }

    public boolean isDispatchLeader() {
        return latch != null && latch.hasLeadership();
    }

    public boolean isRunning() {
        return state.get() == State.STARTED && loop != null && loop.isAlive();
    }

    public void signal() {
        wake.release();
    }

    private CuratorCache watch(String path) {
        CuratorCache cache = CuratorCache.build(zk, path);
        cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> signal()).build());
        cache.start();
        return cache;
    }

    private void runLoop(Dispatcher dispatcher, OrphanRecovery recovery, CircuitBreaker breaker, Planner planner) {
        while (state.get() == State.STARTED) {
            try {
                wake.tryAcquire(IDLE_WAKE.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                // Re-checked every pass: leadership can go with a lost ZooKeeper session at any time.
                if (!latch.hasLeadership()) {
                    continue;
                }
                recovery.recoverOnce();
                breaker.checkOnce();
                planner.plan(dispatcher.dispatchOnce());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Connection loss and races end one pass; the next pass starts from ZooKeeper again.
                LOG.warn("Dispatch pass failed ({}); retrying", e.toString());
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        if (reconcileLoop != null) {
            reconcileLoop.close();
        }
        if (slotAdmin != null) {
            slotAdmin.close();
        }
        if (loop != null) {
            loop.interrupt();
            joinQuietly(loop);
        }
        closeQuietly(latch);
        if (breakerAdmin != null) {
            breakerAdmin.close();
        }
        caches.forEach(CuratorCache::close);
        if (lanes != null) {
            lanes.close();
        }
        if (zk != null) {
            zk.close();
        }
        if (slotView != null) {
            slotView.close();
        }
        if (helixController != null) {
            helixController.disconnect();
        }
        if (setup != null) {
            setup.close();
        }
        LOG.info("Controller {} stopped", name);
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5_000);
            if (thread.isAlive()) {
                LOG.warn("Thread {} did not stop within 5 s", thread.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(LeaderLatch leaderLatch) {
        if (leaderLatch == null) {
            return;
        }
        try {
            leaderLatch.close();
        } catch (Exception e) {
            LOG.debug("Leader latch close: {}", e.toString());
        }
    }
}
