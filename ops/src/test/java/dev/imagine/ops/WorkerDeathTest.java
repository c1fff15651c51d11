package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import org.apache.curator.framework.CuratorFramework;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No job is lost when a worker dies: participants run as their own JVMs, one is SIGKILLed mid-job,
 * its ZooKeeper session (and with it the job's lease) ends, and the job completes on the other with
 * the same bytes an undisturbed run gives.
 */
class WorkerDeathTest {
    @TempDir
    Path var;
    LocalCluster cluster;
    List<ParticipantProcess> workers = List.of();

    @AfterEach
    void stop() throws Exception {
        for (ParticipantProcess worker : workers) {
            worker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void requeuesJobWhenWorkerDiesAndCompletesItElsewhereWithIdenticalBytes() throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 1, ModelPreset.SMALL, "v8",
                Duration.ofSeconds(3))).start();
        Path images = var.resolve("images");
        // Worker logs outlive the temporary directory, for a failed run to be read afterwards.
        Path logs = Path.of("target", "worker-logs", Long.toString(System.currentTimeMillis()));
        workers = List.of(
                ParticipantProcess.start(cluster.zkAddress(), LocalClusterConfig.CLUSTER, "proc-1", LocalClusterConfig.POOL,
                        "small", images, logs),
                ParticipantProcess.start(cluster.zkAddress(), LocalClusterConfig.CLUSTER, "proc-2", LocalClusterConfig.POOL,
                        "small", images, logs));
        try {
            cluster.awaitReady(2, Duration.ofSeconds(90));
        } catch (IllegalStateException notReady) {
            throw new AssertionError(notReady.getMessage() + "\nproc-1:\n" + workers.get(0).log()
                    + "\nproc-2:\n" + workers.get(1).log(), notReady);
        }
        TestApi api = new TestApi(cluster.apiUrl(), cluster.devApiKey());

        String id = api.submit("a red fox in snow --ar 3:2 --seed 7 --q 2");
        JsonNode running = api.awaitStep(id, 1, Duration.ofSeconds(90));
        String victim = running.path("worker").asText();
        ParticipantProcess doomed = workers.stream().filter(w -> w.instance().equals(victim)).findFirst().orElseThrow();
        long killedAt = System.nanoTime();
        doomed.kill();

        JsonNode done = api.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(120));
        long recoveredMillis = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("kill-and-recover: job %s killed on %s at step %d, completed on %s %d ms later%n",
                id, victim, running.path("step").asInt(), done.path("worker").asText(), recoveredMillis);

        assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("worker").asText()).isNotEqualTo(victim);
        assertThat(done.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        byte[] undisturbed = ModelRegistry.load("v8", ModelPreset.SMALL).generate(
                new GenerationRequest("a red fox in snow", "", 7, 3, 2, 2, 100, 0),
                ProgressListener.NONE, new CancellationToken()).png();
        assertThat(api.grid(id)).isEqualTo(undisturbed);
        // Metered once: the killed attempt charged nothing, the completing one its own kernel time, and the
        // dev user's counters came back to zero through the re-queue.
        try (CuratorFramework zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10))) {
            Account dev = new AccountStore(zk).require("dev").value();
            assertThat(done.path("chargedFastMillis").asLong()).isEqualTo(done.path("gpuMillis").asLong()).isPositive();
            assertThat(dev.fastMillisUsed(System.currentTimeMillis())).isEqualTo(done.path("chargedFastMillis").asLong());
            assertThat(dev.running()).isZero();
            assertThat(dev.waiting()).isZero();
        }
    }
}
