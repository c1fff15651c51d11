package dev.imagine.ops.cli;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.cli.support.Submission;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.participant.GpuParticipant;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine bench queue}: the whole job path at saturation on this machine: the real API, ZooKeeper, the
 * dispatcher and {@code --slots} slots whose kernels return at once (the null model: what is measured is the queue,
 * not the GPU). Client threads keep their users at the plan's waiting limit; at the end every job is checked.
 *
 * <p>{@code zk_writes_per_job} is exact: every ZooKeeper write (a multi counts once) takes the next zxid, so the
 * zxids of two marker nodes made before the first job and after the last bound all writes of the whole system.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Jobs/s end to end with instant kernels, accept and dispatch latency, ZooKeeper writes per job.")
public final class BenchQueueCommand implements Callable<Integer> {
    private static final int SLOTS_PER_PARTICIPANT = 8;
    /** Users each client submits as, in turn: with 10 waiting each, a client rarely meets a limit. */
    private static final int USERS_PER_CLIENT = 8;

    @Spec
    CommandSpec spec;

    @Option(names = "--slots", defaultValue = "64", description = "Slots (default ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--jobs", defaultValue = "20000", description = "Jobs to run (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--clients", defaultValue = "32", description = "Submitting client threads (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--quick", description = "3,000 jobs: under a minute.")
    boolean quick;

    private record Run(List<String> ids, long[] acceptNanos, long startZxid, long startMillis, int refused) {
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            jobs = 3_000;
        }
        if (slots < 1 || jobs < 1 || clients < 1) {
            throw new CliException("--slots, --jobs and --clients must be at least 1", 2);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path var = Files.createTempDirectory("imagine-bench-queue");
        int participants = (slots + SLOTS_PER_PARTICIPANT - 1) / SLOTS_PER_PARTICIPANT;
        List<GpuParticipant> started = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0,
                SLOTS_PER_PARTICIPANT, ModelPreset.TINY, "v8", ZkClients.WORKER_SESSION)).start();
             CuratorFramework zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10))) {
            for (int i = 1; i <= participants; i++) {
                started.add(new GpuParticipant(cluster.participantConfig("bench-" + i)).withNullKernels().start());
            }
            cluster.awaitReady(participants * SLOTS_PER_PARTICIPANT, Duration.ofSeconds(120));
            String[] keys = users(zk, clients * USERS_PER_CLIENT);
            Run run = submitAll(zk, cluster.apiUrl(), keys);
            Map<String, JobRecord> records = awaitAll(new JobStore(zk), run.ids(), Duration.ofSeconds(120));
            long writes = zk.create().forPath("/bench-end") == null ? 0
                    : zk.checkExists().forPath("/bench-end").getCzxid() - run.startZxid() - 1;
            report(out, run, records, writes, grids(var.resolve("images")), participants * SLOTS_PER_PARTICIPANT);
            // Before ZooKeeper stops, or each would wait out its session trying to say goodbye.
            started.forEach(GpuParticipant::close);
        } finally {
            started.forEach(GpuParticipant::close);
        }
        return 0;
    }

    /** Enough users on the largest plan that the clients never wait on a plan's limit of 10 waiting jobs. */
    private static String[] users(CuratorFramework zk, int count) throws Exception {
        String[] keys = new String[count];
        AccountStore accounts = new AccountStore(zk);
        for (int u = 0; u < count; u++) {
            keys[u] = accounts.create("queue-bench-" + u, Plan.MEGA, System.currentTimeMillis());
        }
        return keys;
    }

    private Run submitAll(CuratorFramework zk, String apiUrl, String[] keys) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        long[] accept = new long[jobs];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long startZxid = zk.checkExists().forPath(zk.create().forPath("/bench-start")).getCzxid();
        long startMillis = System.currentTimeMillis();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                int turn = 0;
                for (int i = next.getAndIncrement(); i < jobs; ) {
                    String key = keys[client * USERS_PER_CLIENT + turn++ % USERS_PER_CLIENT];
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> reply = http.send(
                                Submission.request(apiUrl, key, "a quick fox " + i + " --seed " + i),
                                HttpResponse.BodyHandlers.ofString());
                        if (reply.statusCode() == 202) {
                            accept[i] = System.nanoTime() - t0;
                            ids.add(Submission.jobId(reply.body()));
                            i = next.getAndIncrement();
                        } else if (reply.statusCode() == 429) {
                            // this user is at the waiting limit: the next one takes the turn, after a breath
                            refused.incrementAndGet();
                            Thread.sleep(20);
                        } else {
                            throw new IllegalStateException("submission got " + reply.statusCode() + ": " + reply.body());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new Run(new ArrayList<>(ids), accept, startZxid, startMillis, refused.get());
    }

    /** Every job's record once it has ended, or as it is when the time is up. */
    private static Map<String, JobRecord> awaitAll(JobStore store, List<String> ids, Duration timeout) throws Exception {
        Map<String, JobRecord> ended = new HashMap<>();
        Set<String> pending = new LinkedHashSet<>(ids);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (var it = pending.iterator(); it.hasNext(); ) {
                String id = it.next();
                JobRecord job = store.get(id).map(v -> v.value()).orElse(null);
                if (job != null && job.state().isTerminal()) {
                    ended.put(id, job);
                    it.remove();
                } else {
                    break;
                }
            }
            Thread.sleep(pending.isEmpty() ? 0 : 50);
        }
        for (String id : pending) {
            store.get(id).ifPresent(v -> ended.put(id, v.value()));
        }
        return ended;
    }

    /** Attempts that stored a grid, per job id (the store's grid references): more than one means two attempts both did. */
    private static Map<String, Integer> grids(Path images) throws Exception {
        Map<String, Integer> perJob = new HashMap<>();
        Path refs = images.resolve("refs");
        if (!Files.isDirectory(refs)) {
            return perJob;
        }
        try (Stream<Path> files = Files.walk(refs, 3)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches(".*-a\\d+"))
                    .forEach(n -> perJob.merge(n.substring(0, n.lastIndexOf("-a")), 1, Integer::sum));
        }
        return perJob;
    }

    private void report(PrintWriter out, Run run, Map<String, JobRecord> records, long writes,
                        Map<String, Integer> grids, int slotCount) {
        long lastEnd = 0;
        int completed = 0;
        List<Long> dispatch = new ArrayList<>();
        for (JobRecord job : records.values()) {
            if (job.state() == JobState.COMPLETED) {
                completed++;
                lastEnd = Math.max(lastEnd, job.completedAtMillis());
                dispatch.add(job.dispatchedAtMillis() - job.submittedAtMillis());
            }
        }
        long[] accept = Arrays.stream(run.acceptNanos()).filter(n -> n > 0).sorted().toArray();
        long[] dispatched = dispatch.stream().mapToLong(Long::longValue).sorted().toArray();
        double seconds = Math.max(1, lastEnd - run.startMillis()) / 1000.0;
        long duplicated = grids.values().stream().filter(n -> n > 1).count();
        out.printf("slots=%d%nclients=%d%njobs=%d%n", slotCount, clients, run.ids().size());
        out.printf("jobs_per_s=%.1f%n", completed / seconds);
        out.printf("accept_p50_ms=%.2f%n", percentile(accept, 0.50) / 1e6);
        out.printf("accept_p99_ms=%.2f%n", percentile(accept, 0.99) / 1e6);
        out.printf("dispatch_p50_ms=%d%n", percentile(dispatched, 0.50));
        out.printf("dispatch_p99_ms=%d%n", percentile(dispatched, 0.99));
        out.printf("zk_writes_per_job=%.2f%n", writes / (double) Math.max(1, run.ids().size()));
        out.printf("refused_429=%d%n", run.refused());
        out.printf("lost=%d%n", run.ids().size() - completed);
        out.printf("duplicated=%d%n", duplicated);
        out.flush();
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
