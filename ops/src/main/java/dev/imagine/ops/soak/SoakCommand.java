package dev.imagine.ops.soak;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.ops.cli.support.Submission;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine soak}: jobs submitted through the real API while participants, running as their own JVMs, are
 * SIGKILLed at random (and replaced), the controller fails over, and workers are stopped past their ZooKeeper
 * session so it expires under them. At the end every job is checked: {@code lost} (not COMPLETED),
 * {@code duplicated} (its grid is not the completing attempt's own: written by another attempt), {@code mismatched}
 * (its grid differs from a clean render of the same spec here). Exits 1 unless all three are 0.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Jobs under kills, controller failover and session expiry; then lost, duplicated, mismatched.")
public final class SoakCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SoakCommand.class);
    private static final Duration SESSION = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Option(names = "--jobs", defaultValue = "300", description = "Jobs to submit (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--workers", defaultValue = "3", description = "Participant processes kept running (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--kill-every", defaultValue = "0", paramLabel = "<seconds>",
            description = "SIGKILL a random participant this often and start a new one; 0: never (default).")
    int killEverySeconds;

    @Option(names = "--controller-failover", description = "Fail the controller over once, midway.")
    boolean controllerFailover;

    @Option(names = "--expire-sessions", description = "Stop a worker past its ZooKeeper session, every other kill round.")
    boolean expireSessions;

    @Option(names = "--quality", defaultValue = "2", description = "--q of each job: how long it runs (default ${DEFAULT-VALUE}).")
    double quality;

    @Option(names = "--rounds", defaultValue = "0",
            description = "Stop the chaos after this many kill/stall rounds; 0: while jobs run (default).")
    int rounds;

    @Option(names = "--quick", description = "500 jobs, 8 rounds of chaos 4 s apart (kills, session expiries, a failover).")
    boolean quick;

    @Option(names = "--timeout", defaultValue = "PT10M",
            description = "Give up when no job has ended for this long (default ${DEFAULT-VALUE}); the jobs left then are lost.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (quick) {
            jobs = 500;
            killEverySeconds = 4;
            controllerFailover = true;
            expireSessions = true;
            // Rounds, not a wall-clock budget: the same chaos on a fast machine and a slow one.
            rounds = 8;
            timeout = Duration.ofSeconds(75);
        }
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        Path var = Files.createTempDirectory("imagine-soak");
        Path images = var.resolve("images");
        List<WorkerProcess> running = new CopyOnWriteArrayList<>();
        AtomicBoolean chaosOn = new AtomicBoolean(true);
        Chaos chaos = new Chaos();
        try (LocalCluster cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 1,
                ModelPreset.TINY, "v8", SESSION)).start();
             CuratorFramework zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10))) {
            AtomicInteger names = new AtomicInteger();
            for (int i = 0; i < workers; i++) {
                running.add(startWorker(cluster, images, var, names));
            }
            cluster.awaitReady(workers, Duration.ofSeconds(90));
            String[] keys = users(zk, Math.max(1, jobs / 8));
            Thread chaosThread = Thread.ofPlatform().name("soak-chaos").start(
                    () -> chaos.run(cluster, running, images, var, names, chaosOn));
            List<String> ids = submit(cluster.apiUrl(), keys);
            List<JobRecord> records = await(new JobStore(zk), ids, started);
            chaosOn.set(false);
            chaosThread.join(30_000);
            Verdict verdict = check(records, ids, new ImageStore(images));
            out.printf("jobs=%d%ncompleted=%d%nretried=%d%nkills=%d%nstalls=%d%nfailovers=%d%n", ids.size(),
                    verdict.completed, verdict.retried, chaos.kills.get(), chaos.stalls.get(), chaos.failovers.get());
            out.printf("lost=%d%nduplicated=%d%nmismatched=%d%n", verdict.lost, verdict.duplicated, verdict.mismatched);
            out.printf("wall_s=%.1f%n", (System.nanoTime() - started) / 1e9);
            out.flush();
            for (WorkerProcess worker : running) {
                worker.close();
            }
            return verdict.lost + verdict.duplicated + verdict.mismatched == 0 ? 0 : 1;
        } finally {
            chaosOn.set(false);
            for (WorkerProcess worker : running) {
                worker.close();
            }
        }
    }

    private static WorkerProcess startWorker(LocalCluster cluster, Path images, Path var, AtomicInteger names)
            throws Exception {
        return WorkerProcess.start(cluster.zkAddress(), LocalClusterConfig.CLUSTER, "soak-" + names.incrementAndGet(),
                LocalClusterConfig.POOL, images, var.resolve("logs"), SESSION);
    }

    /** What the soak did to the cluster, as it goes. */
    private final class Chaos {
        final AtomicInteger kills = new AtomicInteger();
        final AtomicInteger stalls = new AtomicInteger();
        final AtomicInteger failovers = new AtomicInteger();

        void run(LocalCluster cluster, List<WorkerProcess> running, Path images, Path var, AtomicInteger names,
                 AtomicBoolean on) {
            Random random = new Random(42);
            int round = 0;
            try {
                while (on.get() && killEverySeconds > 0 && (rounds == 0 || round < rounds)) {
                    Thread.sleep(killEverySeconds * 1000L);
                    if (!on.get()) {
                        return;
                    }
                    round++;
                    WorkerProcess victim = running.get(random.nextInt(running.size()));
                    if (expireSessions && round % 2 == 0) {
                        // Stopped past its session: ZooKeeper expires it, its job moves, and it wakes up stale.
                        Thread.ofPlatform().start(() -> {
                            try {
                                victim.stall(SESSION.plusSeconds(3));
                            } catch (Exception e) {
                                LOG.warn("Stall of {} failed: {}", victim.instance(), e.toString());
                            }
                        });
                        stalls.incrementAndGet();
                    } else {
                        victim.kill();
                        running.remove(victim);
                        running.add(startWorker(cluster, images, var, names));
                        kills.incrementAndGet();
                    }
                    if (controllerFailover && round == 3) {
                        cluster.failOverController();
                        failovers.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.error("Soak chaos stopped: {}", e.toString(), e);
            }
        }
    }

    private static String[] users(CuratorFramework zk, int count) throws Exception {
        String[] keys = new String[count];
        AccountStore accounts = new AccountStore(zk);
        for (int u = 0; u < count; u++) {
            keys[u] = accounts.create("soak-" + u, Plan.MEGA, System.currentTimeMillis());
        }
        return keys;
    }

    /** Submits every job (a user at the waiting limit is retried a moment later); returns their ids. */
    private List<String> submit(String apiUrl, String[] keys) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; ) {
            HttpResponse<String> reply = http.send(Submission.request(apiUrl, keys[i % keys.length],
                    "a soaked fox number " + i + " --seed " + (1_000 + i) + " --q " + quality),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() == 202) {
                ids.add(Submission.jobId(reply.body()));
                i++;
            } else if (reply.statusCode() == 429 || reply.statusCode() == 503) {
                Thread.sleep(100);
            } else {
                throw new IllegalStateException("submission " + i + " got " + reply.statusCode() + ": " + reply.body());
            }
        }
        return ids;
    }

    /** Waits until every job has ended, or until none has ended for {@link #timeout}: a stuck job, not a slow machine. */
    private List<JobRecord> await(JobStore store, List<String> ids, long startedNanos) throws Exception {
        long lastProgress = System.nanoTime();
        int ended = 0;
        while (true) {
            List<JobRecord> records = new ArrayList<>();
            int endedNow = 0;
            for (String id : ids) {
                Optional<JobRecord> job = store.get(id).map(v -> v.value());
                job.ifPresent(records::add);
                endedNow += job.map(j -> j.state().isTerminal() ? 1 : 0).orElse(0);
            }
            if (endedNow > ended) {
                ended = endedNow;
                lastProgress = System.nanoTime();
            }
            if (ended == ids.size() || System.nanoTime() - lastProgress > timeout.toNanos()) {
                return records;
            }
            Thread.sleep(250);
        }
    }

    private record Verdict(int completed, int retried, int lost, int duplicated, int mismatched) {
    }

    private static Verdict check(List<JobRecord> records, List<String> ids, ImageStore images) throws Exception {
        DiffusionModel clean = ModelRegistry.load("v8", ModelPreset.TINY);
        int completed = 0;
        int retried = 0;
        int duplicated = 0;
        int mismatched = 0;
        for (JobRecord job : records) {
            retried += job.attempts() > 1 ? 1 : 0;
            if (job.state() != JobState.COMPLETED) {
                LOG.warn("Soak: job {} ended {} ({})", job.id(), job.state(), job.error());
                continue;
            }
            completed++;
            // Only a grid the completing attempt itself stored may be the job's: anything else was written by another.
            if (job.imagePath() == null
                    || !images.referrers(job.imagePath()).contains(ImageStore.gridReferrer(job.id(), job.attempts()))) {
                duplicated++;
                LOG.warn("Soak: job {} (attempt {}) shows grid {}", job.id(), job.attempts(), job.imagePath());
                continue;
            }
            JobSpec spec = job.spec();
            byte[] expected = clean.generate(new GenerationRequest(spec.prompt(), spec.negativePrompt(), spec.seed(),
                    spec.aspectWidth(), spec.aspectHeight(), spec.quality(), spec.stylize(), spec.chaos()),
                    ProgressListener.NONE, new CancellationToken()).png();
            // read() also checks the bytes against their hash
            byte[] stored = images.read(job.imagePath()).map(ImageStore.Image::bytes).orElse(new byte[0]);
            if (!Arrays.equals(expected, stored)) {
                mismatched++;
                LOG.warn("Soak: job {}'s grid differs from a clean render of its spec", job.id());
            }
        }
        return new Verdict(completed, retried, ids.size() - completed, duplicated, mismatched);
    }
}
