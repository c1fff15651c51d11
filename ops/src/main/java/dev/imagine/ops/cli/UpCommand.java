package dev.imagine.ops.cli;

import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.HistorySettings;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.slurm.SlurmEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imagine up}: the whole system on this machine, until Ctrl-C or SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start ZooKeeper, the Helix controller, participants and the API on this machine.")
public final class UpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "API port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "API bind address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--zk-port", defaultValue = "2181", description = "Embedded ZooKeeper port (default ${DEFAULT-VALUE}).")
    int zkPort;

    @Option(names = "--participants", defaultValue = "2", description = "Participants (default ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = "--slots", defaultValue = "1", description = "GPU slots per participant (default ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--preset", defaultValue = "small", description = "Model preset: tiny or small (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--model", defaultValue = "v9", description = "Model version new slots load (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--var", defaultValue = "var", description = "State directory (default ./${DEFAULT-VALUE}).")
    Path varDir;

    @Option(names = "--slurm", paramLabel = "<url>",
            description = "Run the participants as Slurm jobs through this slurmrestd instead of in-process.")
    String slurmUrl;

    @Option(names = "--slurm-token-file", paramLabel = "<path>",
            description = "File holding the Slurm JWT (env IMAGINE_SLURM_TOKEN_FILE).")
    Path slurmTokenFile;

    @Option(names = "--worker-session", defaultValue = "PT10S",
            description = "ZooKeeper session of the workers: how long a dead node's jobs wait before they run elsewhere, "
                    + "and the longest pause a live node survives (default ${DEFAULT-VALUE}; see `bench pauses`).")
    Duration workerSession;

    @Option(names = "--partition", defaultValue = "gpu",
            description = "With --slurm: the Slurm partition = GPU pool the participants join (default ${DEFAULT-VALUE}).")
    String partition;

    @Option(names = "--database-url", paramLabel = "<jdbc-url>",
            description = "An external PostgreSQL for the history (jdbc:postgresql://host:5432/db; password from "
                    + "$IMAGINE_DATABASE_PASSWORD). Default: an embedded PostgreSQL 17 with its data under <var>/pg.")
    String databaseUrl;

    @Option(names = "--database-user", defaultValue = "imagine",
            description = "With --database-url: the user (default ${DEFAULT-VALUE}).")
    String databaseUser;

    @Option(names = "--history-retention", defaultValue = "PT5M",
            description = "How long a finished job stays in ZooKeeper before only PostgreSQL has it (default ${DEFAULT-VALUE}).")
    Duration historyRetention;

    // 1 by default: at the tiny and small presets (16-96 tokens) a gang of two renders a grid in ~2x the time of one
    // slot (685 vs 351 ms measured: ~180 exchanges a grid, each ~2 ms of framing and wake-ups, against ~1 ms of maths);
    // sequence parallelism pays at XL sizes (bench sp: 1.87x at 1,024 tokens).
    @Option(names = "--turbo-ranks", defaultValue = "1",
            description = "Slots a Turbo job renders on (sequence parallel) when that many are free: 1, 2 or 4 (default ${DEFAULT-VALUE}: at these presets a gang is slower than one slot).")
    int turboRanks;

    @Override
    public Integer call() throws Exception {
        if (turboRanks != 1 && turboRanks != 2 && turboRanks != 4) {
            throw new CliException("--turbo-ranks must be 1, 2 or 4, got " + turboRanks, 2);
        }
        if (historyRetention.isNegative()) {
            throw new CliException("--history-retention must not be negative, got " + historyRetention, 2);
        }
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:postgresql:")) {
            throw new CliException("--database-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got '"
                    + databaseUrl + "'", 2);
        }
        if (workerSession.toMillis() < 1_000 || workerSession.toMillis() > 120_000) {
            throw new CliException("--worker-session must be between PT1S and PT2M, got " + workerSession, 2);
        }
        if (participants < 1 || slots < 1) {
            throw new CliException("--participants and --slots must be at least 1", 2);
        }
        ModelPreset modelPreset;
        try {
            modelPreset = ModelPreset.valueOf(preset.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("--preset must be tiny or small, got '" + preset + "'", 2);
        }
        long start = System.nanoTime();
        LocalClusterConfig config = new LocalClusterConfig(varDir, zkPort, host, port, participants, slots,
                modelPreset, model, workerSession);
        if (slurmUrl != null) {
            config = config.withSlurm(SlurmEndpoint.resolve(slurmUrl, slurmTokenFile, System.getenv()), partition);
        }
        HistorySettings history = databaseUrl == null ? HistorySettings.EMBEDDED.withRetention(historyRetention)
                : new HistorySettings(databaseUrl, databaseUser, System.getenv().getOrDefault("IMAGINE_DATABASE_PASSWORD", ""),
                        historyRetention);
        LocalCluster cluster = new LocalCluster(config).withHistory(history)
                .withScheduler(dev.imagine.controller.SchedulerSettings.DEFAULTS.withTurboRanks(turboRanks));
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before anything starts: Ctrl-C during start-up (or a failed start) still stops what runs,
        // Slurm jobs included.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "imagine-shutdown"));
        try {
            cluster.start();
            cluster.awaitReady(participants * slots, Duration.ofSeconds(120));
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        var out = spec.commandLine().getOut();
        out.printf("imagine is up in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        out.printf("  ZooKeeper   %s (data under %s)%n", cluster.zkAddress(), varDir.resolve("zookeeper"));
        out.printf("  Helix       cluster %s, pool %s, %d participant(s) x %d slot(s), model %s, %s preset%n",
                LocalClusterConfig.CLUSTER, slurmUrl == null ? LocalClusterConfig.POOL : partition, participants, slots,
                model, modelPreset);
        if (slurmUrl != null) {
            out.printf("  Slurm       participants are Slurm jobs in partition %s via %s (output in %s)%n", partition,
                    config.slurm().url(), config.slurmWorkDir());
        }
        out.printf("  gangs       Turbo jobs render on %d slot(s) when that many are free (sequence parallel)%n", turboRanks);
        out.printf("  API         %s  (try: ops/imagine submit \"a red fox in snow --ar 3:2 --seed 7\")%n", cluster.apiUrl());
        out.printf("  API key     %s (user dev, pro plan; `ops/imagine submit` uses it)%n", config.devApiKeyFile());
        out.printf("  history     PostgreSQL %s%s; finished jobs leave ZooKeeper after %s%n", cluster.jdbcUrl(),
                databaseUrl == null ? " (embedded, data under " + config.pgDir() + ")" : "", historyRetention);
        out.printf("  images      %s (content-addressed: hot/, warm/, cold/; `ops/imagine storage stats`)%n",
                varDir.resolve("images"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }
}
