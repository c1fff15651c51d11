package dev.imagine.ops.local;

import dev.imagine.api.ImagineApplication;
import dev.imagine.controller.FailureSettings;
import dev.imagine.controller.ImagineController;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ModelStore;
import dev.imagine.participant.GpuParticipant;
import dev.imagine.participant.ParticipantConfig;
import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process, as {@code imagine up} runs it: a real ZooKeeper server, the Helix
 * cluster and controller with the dispatcher, N participants whose slots are CPU executors, and the
 * Dropwizard API. Each part speaks the same protocols it would across machines. Closing stops them in
 * reverse order.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
    /** How often the leader reconciles Slurm with Helix: a loopback slurmrestd answers in milliseconds. */
    private static final Duration RECONCILE_INTERVAL = Duration.ofMillis(500);

    private final LocalClusterConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean closed;
    private final List<GpuParticipant> participants = new ArrayList<>();
    private EmbeddedZooKeeper zookeeper;
    private volatile ImagineController controller;
    private Server api;
    private SlurmClient slurm;
    private SlurmParticipants slurmParticipants;
    private String devApiKey;
    private SchedulerSettings scheduler = SchedulerSettings.DEFAULTS;
    private int controllersStarted = 1;
    private java.util.function.BiFunction<String, dev.imagine.kernels.ops.TensorOps, dev.imagine.kernels.ops.TensorOps>
            kernels = (slot, ops) -> ops;
    private FailureSettings failures = FailureSettings.DEFAULTS;
    private HistorySettings history = HistorySettings.EMBEDDED;
    private dev.imagine.history.EmbeddedDatabase database;

    private String discordYaml = "";

    public LocalCluster(LocalClusterConfig config) {
        this.config = config;
    }

    /** Scheduler knobs for the controller and the API (Relax aging, Relax backpressure, planner); before start. */
    public LocalCluster withScheduler(SchedulerSettings settings) {
        this.scheduler = settings;
        return this;
    }

    /** Wraps the in-process slots' kernels (slot, backend → what it runs on): drills and tests; before start. */
    public LocalCluster withKernels(java.util.function.BiFunction<String, dev.imagine.kernels.ops.TensorOps,
            dev.imagine.kernels.ops.TensorOps> decorator) {
        this.kernels = decorator;
        return this;
    }

    /** Failure policy knobs for the controller (timeouts, circuit breakers); before start. */
    public LocalCluster withFailures(FailureSettings settings) {
        this.failures = settings;
        return this;
    }

    /** The history database and the retention of finished jobs in ZooKeeper; before start. */
    /**
     * Serves the Discord interactions endpoint for this application (tests point {@code apiBase} at a fake Discord;
     * {@code up} gets the same from the IMAGINE_DISCORD_* variables, read by the API itself).
     */
    public LocalCluster withDiscord(String publicKeyHex, String applicationId, String botToken, String apiBase) {
        this.discordYaml = """
                discord:
                  publicKeyHex: "%s"
                  applicationId: "%s"
                  botToken: "%s"
                  apiBase: "%s"
                """.formatted(publicKeyHex, applicationId, botToken, apiBase);
        return this;
    }

    public LocalCluster withHistory(HistorySettings settings) {
        this.history = settings;
        return this;
    }

    public LocalCluster start() throws Exception {
        try {
            if (config.slurm() != null) {
                slurm = SlurmClients.connect(config.slurm());
                LOG.info("Participants will run as Slurm jobs in partition {} (Slurm {} at {})", config.slurmPartition(),
                        slurm.ping(), config.slurm());
            }
            // Helix participants' sessions: a dead participant's slots leave the ExternalView this fast.
            System.setProperty("zk.session.timeout", Long.toString(config.workerSessionTimeout().toMillis()));
            // Model checkpoints live with the rest of the state unless the operator put them elsewhere.
            if (System.getProperty(ModelStore.PROPERTY) == null && System.getenv("IMAGINE_MODELS_DIR") == null) {
                System.setProperty(ModelStore.PROPERTY, config.varDir().resolve("models").toString());
            }
            // In-process slots stand in for devices: they share this machine's cores instead of each taking all.
            int slots = Math.max(1, config.participants() * config.slotsPerParticipant());
            System.setProperty("imagine.kernels.threads", Integer.toString(
                    Integer.getInteger("imagine.kernels.threads", Math.max(1, Runtime.getRuntime().availableProcessors() / slots))));
            zookeeper = new EmbeddedZooKeeper(config.zkDir(), config.zkPort()).start();
            register(zookeeper);
            if (history.embedded()) {
                database = dev.imagine.history.EmbeddedDatabase.start(config.pgDir(), pgBinaries());
                register(database);
                LOG.info("PostgreSQL (history) at {}, data in {}", database.jdbcUrl(), config.pgDir());
            }
            devApiKey = DevUser.ensure(zookeeper.connectString(), config.devApiKeyFile());
            controller = new ImagineController(zookeeper.connectString(), LocalClusterConfig.CLUSTER, "controller-1",
                    ModelRegistry.slotVersions());
            controller.withScheduler(scheduler).withFailures(failures);
            if (slurm != null) {
                controller.withSlurm(slurm, RECONCILE_INTERVAL);
            }
            controller.start();
            register(controller);
            for (int i = 1; slurm == null && i <= config.participants(); i++) {
                GpuParticipant participant = new GpuParticipant(participantConfig("worker-" + i)).withKernels(kernels).start();
                participants.add(participant);
                register(participant);
            }
            api = startApi();
            register(() -> api.stop());
            LOG.info("API listening on {}", apiUrl());
            if (slurm != null) {
                slurmParticipants = new SlurmParticipants(slurm, zookeeper.connectString(), config);
                register(slurmParticipants);
                if (config.participants() > 0) {
                    slurmParticipants.scaleTo(config.participants() * config.slotsPerParticipant());
                }
            }
            return this;
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    public ParticipantConfig participantConfig(String instance) {
        return new ParticipantConfig(zookeeper.connectString(), LocalClusterConfig.CLUSTER, instance,
                LocalClusterConfig.POOL, config.slotsPerParticipant(), config.defaultVersion(), config.preset(),
                config.imageDir(), config.workerSessionTimeout());
    }

    private Server startApi() throws Exception {
        Path yaml = config.varDir().resolve("api.yml");
        Files.createDirectories(config.varDir());
        Files.writeString(yaml, apiYaml());
        CompletableFuture<Server> listening = new CompletableFuture<>();
        new ImagineApplication(listening::complete).run("server", yaml.toString());
        Server server = listening.get(60, TimeUnit.SECONDS);
        if (!server.isStarted()) {
            throw new IOException("the API did not start; see the log above");
        }
        return server;
    }

    /** The server binaries unpack once per machine (tests share them), not per state folder. */
    private Path pgBinaries() {
        String shared = System.getProperty("imagine.pg.binaries");
        return shared != null ? Path.of(shared) : config.varDir().resolve("pg-binaries");
    }

    public String jdbcUrl() {
        return history.embedded() ? database.jdbcUrl() : history.jdbcUrl();
    }

    private String databaseYaml() {
        String user = history.embedded() ? database.user() : history.user();
        String password = history.embedded() ? "" : history.password();
        return """
                database:
                  driverClass: org.postgresql.Driver
                  url: "%s"
                  user: "%s"
                  password: "%s"
                  minSize: 1
                  initialSize: 1
                  maxSize: 8
                history:
                  retentionSeconds: %d
                  archiveEveryMillis: 500
                images:
                  linkKeyHex: %s
                """.formatted(jdbcUrl(), user == null ? "" : user, password == null ? "" : password,
                history.retention().toSeconds(), linkKey());
    }

    /** The image links' key, made once and kept with the state: links stay good across restarts. */
    private String linkKey() {
        Path file = config.varDir().resolve("image-link-key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            String hex = java.util.HexFormat.of().formatHex(key);
            Files.writeString(file, hex);
            try {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort
            }
            return hex;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot keep the image link key in " + file, e);
        }
    }

    private String apiYaml() {
        return databaseYaml() + discordYaml + """
                zkAddress: %s
                imageDir: %s
                defaultModelVersion: %s
                helixCluster: %s
                maxRelaxDepth: %d
                relaxPromoteAfterMillis: %d
                # development: webhooks may go to this machine (a production config leaves this off)
                webhooks:
                  allowPrivateAddresses: true
                  pollMillis: 200
                server:
                  applicationConnectors:
                    - type: http
                      bindHost: %s
                      port: %d
                  adminConnectors:
                    - type: http
                      bindHost: 127.0.0.1
                      port: 0
                  requestLog:
                    appenders: []
                logging:
                  level: INFO
                  loggers:
                    org.apache.helix: WARN
                    org.apache.zookeeper: ERROR
                    org.apache.curator: WARN
                    org.eclipse.jetty: WARN
                    io.dropwizard: WARN
                    org.hibernate.validator: WARN
                    liquibase: WARN
                    io.zonky.test.db: WARN
                """.formatted(zookeeper.connectString(), config.imageDir().toAbsolutePath(), config.defaultVersion(),
                LocalClusterConfig.CLUSTER, scheduler.maxRelaxDepth(), scheduler.relaxPromoteAfter().toMillis(),
                config.apiHost(), config.apiPort());
    }

    /**
     * Waits until {@code slots} live slots hold a model version and the dispatcher leads: from then on
     * a submitted job is served without waiting for weights.
     */
    public void awaitReady(int slots, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long ready = controller.slots().stream().filter(s -> s.live() && s.version() != null).count();
            if (ready >= slots && controller.isDispatchLeader()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("only " + controller.slots() + " of " + slots
                + " slots were ready after " + timeout.toSeconds() + " s");
    }

    public String apiUrl() {
        int port = ((NetworkConnector) api.getConnectors()[0]).getLocalPort();
        return "http://" + config.apiHost() + ":" + port;
    }

    /** Dropwizard's admin port (health checks, metrics), on loopback. */
    public String adminUrl() {
        int port = ((NetworkConnector) api.getConnectors()[api.getConnectors().length - 1]).getLocalPort();
        return "http://127.0.0.1:" + port;
    }

    /** The development user's API key (also in {@link LocalClusterConfig#devApiKeyFile}). */
    public String devApiKey() {
        return devApiKey;
    }

    public String zkAddress() {
        return zookeeper.connectString();
    }

    public ImagineController controller() {
        return controller;
    }

    /**
     * A controller failover: a new controller joins (it waits for both leaderships), then the current one stops;
     * Helix's and the dispatcher's leadership move to the new one. For drills and the soak.
     */
    public synchronized ImagineController failOverController() throws Exception {
        ImagineController next = new ImagineController(zookeeper.connectString(), LocalClusterConfig.CLUSTER,
                "controller-" + (++controllersStarted), ModelRegistry.slotVersions())
                .withScheduler(scheduler).withFailures(failures);
        if (slurm != null) {
            next.withSlurm(slurm, RECONCILE_INTERVAL);
        }
        next.start();
        register(next);
        ImagineController old = controller;
        controller = next;
        old.close();
        LOG.info("Controller failed over from {} to {}", old, next);
        return next;
    }

    /** The Slurm side of {@code up --slurm}, or null. */
    public SlurmParticipants slurmParticipants() {
        return slurmParticipants;
    }

    public List<GpuParticipant> participants() {
        return List.copyOf(participants);
    }

    /**
     * Keeps a started part for {@link #close}; a part that finished starting after close (Ctrl-C during
     * start-up) is closed at once and start-up stops.
     */
    private synchronized void register(AutoCloseable part) throws Exception {
        if (closed) {
            part.close();
            throw new IllegalStateException("stopped while starting");
        }
        started.push(part);
    }

    @Override
    public synchronized void close() {
        closed = true;
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", part, e.toString());
            }
        }
    }
}
