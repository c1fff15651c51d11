package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that stops for 4 s mid-job (SIGSTOP: a long GC, a swapped-out node) keeps its job with the default
 * worker session: the job completes on the same worker in one attempt, instead of being restarted elsewhere.
 */
class WorkerPauseTest {
    @TempDir
    Path var;
    LocalCluster cluster;
    ParticipantProcess worker;

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aFourSecondPauseRestartsNothing() throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 1, ModelPreset.SMALL, "v8",
                ZkClients.WORKER_SESSION)).start();
        Path logs = Path.of("target", "worker-logs", Long.toString(System.currentTimeMillis()));
        worker = ParticipantProcess.start(cluster.zkAddress(), LocalClusterConfig.CLUSTER, "paused-1",
                LocalClusterConfig.POOL, "small", var.resolve("images"), logs, ZkClients.WORKER_SESSION);
        try {
            cluster.awaitReady(1, Duration.ofSeconds(90));
        } catch (IllegalStateException notReady) {
            throw new AssertionError(notReady.getMessage() + "\n" + worker.log(), notReady);
        }
        TestApi api = new TestApi(cluster.apiUrl(), cluster.devApiKey());
        String id = api.submit("a sleeping bear --seed 11 --q 2");
        api.awaitStep(id, 1, Duration.ofSeconds(90));

        worker.pause(Duration.ofSeconds(4));

        JsonNode done = api.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(120));
        assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("attempts").asInt()).as("restarts after a 4 s pause; log:%n%s", worker.log()).isEqualTo(1);
        assertThat(done.path("worker").asText()).isEqualTo("paused-1");
        System.out.printf("worker-pause: job %s kept through a 4 s SIGSTOP with a %d ms session%n", id,
                ZkClients.WORKER_SESSION.toMillis());
    }
}
