package dev.imagine.ops.cli;

import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.cli.support.Submission;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.ZkClients;
import java.io.PrintWriter;
import org.apache.curator.framework.CuratorFramework;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine bench accept}: the accept path (HTTP → parse → validate → one ZooKeeper transaction
 * → 202) measured from a client, one request at a time. It starts its own system with no
 * participants, so the jobs stay queued and nothing else competes for the two cores.
 */
@Command(name = "accept", mixinStandardHelpOptions = true,
        description = "Accept latency of POST /v1/imagine (p50/p99) on a private local system.")
public final class BenchAcceptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "200", description = "Measured submissions (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--warmup", defaultValue = "50", description = "Unmeasured submissions first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path var = Files.createTempDirectory("imagine-bench");
        long start = System.nanoTime();
        try (LocalCluster cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 1,
                ModelPreset.TINY, "v8", Duration.ofSeconds(3))).start()) {
            out.printf("system_start_ms=%d%n", (System.nanoTime() - start) / 1_000_000);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String uri = cluster.apiUrl();
            String[] keys = benchUsers(cluster, warmup + count);
            for (int i = 0; i < warmup; i++) {
                post(http, uri, i, keys);
            }
            long[] nanos = new long[count];
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                post(http, uri, warmup + i, keys);
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            out.printf("accept_count=%d%n", count);
            out.printf("accept_p50_ms=%.2f%n", percentile(nanos, 0.50));
            out.printf("accept_p99_ms=%.2f%n", percentile(nanos, 0.99));
            out.printf("accept_max_ms=%.2f%n", nanos[count - 1] / 1e6);
            out.printf("accept_under_100ms_ratio=%.3f%n",
                    Arrays.stream(nanos).filter(n -> n < 100_000_000L).count() / (double) count);
        }
        return 0;
    }

    /** Every plan lets a user have 10 jobs waiting: the bench spreads its jobs over enough users. */
    private static String[] benchUsers(LocalCluster cluster, int jobs) throws Exception {
        String[] keys = new String[(jobs + Plan.MEGA.maxWaiting() - 1) / Plan.MEGA.maxWaiting()];
        try (CuratorFramework zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10))) {
            AccountStore accounts = new AccountStore(zk);
            for (int u = 0; u < keys.length; u++) {
                keys[u] = accounts.create("bench-" + u, Plan.MEGA, System.currentTimeMillis());
            }
        }
        return keys;
    }

    private static void post(HttpClient http, String api, int i, String[] keys) throws Exception {
        HttpResponse<String> response = http.send(Submission.request(api, keys[i % keys.length],
                "a red fox in snow number " + i + " --ar 16:9 --seed " + i), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new CliException("submission " + i + " got " + response.statusCode() + ": " + response.body(), 1);
        }
    }

    private static double percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
