package dev.imagine.participant;

import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.controller.helix.SlotNames;
import dev.imagine.core.metrics.PauseMeter;
import dev.imagine.core.model.ModelNeeds;
import dev.imagine.core.moderation.ImageModeration;
import dev.imagine.core.moderation.KnownImageClassifier;
import dev.imagine.core.moderation.SkinExposureClassifier;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ops.Backends;
import dev.imagine.participant.gang.GangPeers;
import dev.imagine.participant.gang.GangServer;
import dev.imagine.kernels.ops.ScalarTensorOps;
import dev.imagine.kernels.ops.TensorOps;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.helix.HelixManager;
import org.apache.helix.HelixManagerFactory;
import org.apache.helix.InstanceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Helix participant (one GPU node): its slots' state models load weights on Helix's command, and
 * its slot workers run the jobs the dispatcher assigns. Start-up is one linear sequence; a failure
 * part-way unwinds what was started and rethrows.
 */
public final class GpuParticipant implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuParticipant.class);

    private enum State { LATENT, STARTED, CLOSED }

    /** What a CPU slot reports as device memory unless configured: enough for every shipped version. */
    static final int DEFAULT_DEVICE_MEMORY_MB = 24_576;

    /** Instance-config field with the participant's tensor endpoint (host:port) for sequence-parallel gangs. */
    public static final String GANG_ENDPOINT = "gang.endpoint";

    private final ParticipantConfig config;
    private GangPeers gangs;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final List<SlotWorker> workers = new ArrayList<>();
    private final List<SlotRuntime> slotRuntimes = new ArrayList<>();
    private CuratorFramework zk;
    private HelixManager helix;
    private PauseMeter pauses;
    private ScheduledExecutorService reporter;
    private BiFunction<String, TensorOps, TensorOps> kernels = (slot, ops) -> ops;

    private boolean nullKernels;

    public GpuParticipant(ParticipantConfig config) {
        this.config = config;
    }

    /** Slots that render nothing and return at once ({@code bench queue}); never a default. Before {@link #start}. */
    public GpuParticipant withNullKernels() {
        if (state.get() != State.LATENT) {
            throw new IllegalStateException("withNullKernels must be called before start");
        }
        this.nullKernels = true;
        return this;
    }

    /**
     * Wraps each slot's kernels before the slot uses them (slot name, its backend → what the slot runs on):
     * how failure tests and drills put a misbehaving device under a real participant. Call before {@link #start}.
     */
    public GpuParticipant withKernels(BiFunction<String, TensorOps, TensorOps> decorator) {
        if (state.get() != State.LATENT) {
            throw new IllegalStateException("withKernels must be called before start");
        }
        this.kernels = decorator;
        return this;
    }

    public GpuParticipant start() throws Exception {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("participant " + config.instance() + " cannot be started more than once");
        }
        try {
            startSequence();
            return this;
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * The image check every render passes before storage: the operators' known-image list (ZooKeeper) and the skin
     * exposure screen, its threshold from {@code imagine.moderation.maxSkinShare} (0–1, default 0.80).
     */
    private static ImageModeration imageModeration(org.apache.curator.framework.CuratorFramework zk) {
        double maxSkin = Double.parseDouble(System.getProperty("imagine.moderation.maxSkinShare",
                Double.toString(SkinExposureClassifier.DEFAULT_MAX_SKIN_SHARE)));
        return new ImageModeration(List.of(new KnownImageClassifier(zk), new SkinExposureClassifier(maxSkin)));
    }

    private void startSequence() throws Exception {
        Map<String, SlotRuntime> runtimes = new LinkedHashMap<>();
        Map<String, String> attributes = new LinkedHashMap<>(config.attributes());
        // The slot's capacity, which the API checks a job's model needs against (a real GPU node reports its card).
        attributes.putIfAbsent(ModelNeeds.DEVICE_MEMORY_MB, Integer.toString(DEFAULT_DEVICE_MEMORY_MB));
        attributes.putIfAbsent(ModelNeeds.DEVICE_KIND, "cpu");
        int threads = kernelThreads(config.slots());
        for (int i = 0; i < config.slots(); i++) {
            String slot = SlotNames.slot(config.pool(), config.instance(), i);
            SlotRuntime runtime = nullKernels
                    ? new SlotRuntime(slot, config.preset(), ScalarTensorOps.INSTANCE, true)
                    : new SlotRuntime(slot, config.preset(), kernels.apply(slot, Backends.create(threads)));
            runtimes.put(slot, runtime);
            slotRuntimes.add(runtime);
            // Operators see per slot what the kernels really run on (instance config and log).
            attributes.put("kernels." + slot, runtime.backend());
        }
        startPauseReports();
        zk = ZkClients.connect(config.zkAddress(), config.sessionTimeout());
        zk.getConnectionStateListenable().addListener(this::onConnectionChange);
        JobStore store = new JobStore(zk);
        store.ensureLayout();
        // The tensor endpoint of this participant's sequence-parallel ranks, in its instance config and per slot in ZooKeeper.
        gangs = new GangPeers(zk, startGangServer());
        attributes.put(GANG_ENDPOINT, gangs.server().endpoint());
        JobRunner runner = new JobRunner(store, new ImageStore(config.imageDir()), config.instance(), Clock.systemUTC(),
                imageModeration(zk)).withGangs(gangs);
        for (SlotRuntime runtime : runtimes.values()) {
            gangs.publish(runtime.slot());
            workers.add(new SlotWorker(zk, runtime, runner).start());
        }

        try (ClusterSetup setup = new ClusterSetup(config.zkAddress(), config.cluster())) {
            setup.ensurePool(config.pool());
            setup.ensureInstance(config.instance(), "localhost", 0, config.pool(), attributes);
            helix = HelixManagerFactory.getZKHelixManager(config.cluster(), config.instance(),
                    InstanceType.PARTICIPANT, config.zkAddress());
            helix.getStateMachineEngine().registerStateModelFactory(ModelAffinity.NAME, new SlotStateModelFactory(runtimes));
            helix.connect();
            setup.ensureSlots(helix.getHelixDataAccessor(), config.pool(), config.instance(), config.slots(),
                    config.defaultVersion());
        }
        LOG.info("Participant {} joined cluster {} with {} slot(s) in pool {} ({} preset)", config.instance(),
                config.cluster(), config.slots(), config.pool(), config.preset());
    }

    /**
     * Every minute, the longest stop of this JVM: the number the worker session ({@code sessionTimeout}) is chosen
     * from. A pause of a third of the session is warned about: ZooKeeper's client pings every third of it, and a
     * few such pauses in a row end the session and restart every job on the node.
     */
    private void startPauseReports() {
        pauses = new PauseMeter(config.instance()).start();
        reporter = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pauses-" + config.instance())
                .daemon().factory());
        long sessionMillis = config.sessionTimeout().toMillis();
        reporter.scheduleAtFixedRate(() -> {
            PauseMeter.Pauses last = pauses.take();
            if (last.maxMillis() * 3 > sessionMillis) {
                LOG.warn("Participant {} paused {} ms in the last minute (p99.9 {} ms): over a third of its {} ms ZooKeeper "
                        + "session; raise the worker session or find the pause (GC log, swap, CPU quota)",
                        config.instance(), last.maxMillis(), last.p999Millis(), sessionMillis);
            } else {
                LOG.info("Participant {} pauses in the last minute: max {} ms, p99.9 {} ms, p99 {} ms (session {} ms)",
                        config.instance(), last.maxMillis(), last.p999Millis(), last.p99Millis(), sessionMillis);
            }
        }, 60, 60, TimeUnit.SECONDS);
    }

    /**
     * On loopback by default; inside a Slurm job on every interface, advertised by the node's name, so ranks on other
     * nodes reach it. {@code -Dimagine.gang.host} / {@code -Dimagine.gang.advertise} / {@code -Dimagine.gang.port} override.
     */
    private static GangServer startGangServer() throws Exception {
        String node = System.getenv("SLURMD_NODENAME");
        boolean slurm = System.getenv("SLURM_JOB_ID") != null && node != null && !node.isBlank();
        String bind = System.getProperty("imagine.gang.host", slurm ? "0.0.0.0" : "127.0.0.1");
        String advertise = System.getProperty("imagine.gang.advertise", slurm ? node : bind);
        return GangServer.start(bind, Integer.getInteger("imagine.gang.port", 0), advertise);
    }

    /** Host threads per slot's kernels: -Dimagine.kernels.threads, else the cores shared among the slots. */
    private static int kernelThreads(int slots) {
        return Integer.getInteger("imagine.kernels.threads",
                Math.max(1, Runtime.getRuntime().availableProcessors() / slots));
    }

    private void onConnectionChange(CuratorFramework client, ConnectionState newState) {
        if (newState == ConnectionState.LOST) {
            // The session is gone and the leases with it: the controller re-queues these jobs.
            LOG.warn("Participant {} lost its ZooKeeper session; abandoning running jobs", config.instance());
            workers.forEach(SlotWorker::cancelRunning);
        }
    }

    public String instance() {
        return config.instance();
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        workers.forEach(SlotWorker::close);
        if (reporter != null) {
            reporter.shutdownNow();
            pauses.close();
        }
        if (helix != null) {
            helix.disconnect();
        }
        if (gangs != null) {
            gangs.close();
        }
        if (zk != null) {
            zk.close();
        }
        slotRuntimes.forEach(SlotRuntime::close);
        LOG.info("Participant {} stopped", config.instance());
    }
}
