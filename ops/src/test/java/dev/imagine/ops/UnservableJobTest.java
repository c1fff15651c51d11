package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.model.ModelNeeds;
import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.participant.GpuParticipant;
import dev.imagine.participant.ParticipantConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job no slot can ever serve is refused at submission with the reason, never left waiting. */
class UnservableJobTest {
    @TempDir
    Path var;

    @Test
    void aVersionNeedingMoreDeviceMemoryThanAnySlotHasIsRefused() throws Exception {
        try (LocalCluster cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 1,
                ModelPreset.TINY, "v8", Duration.ofSeconds(3))).start();
             GpuParticipant small = new GpuParticipant(new ParticipantConfig(cluster.zkAddress(), LocalClusterConfig.CLUSTER,
                     "small-gpu", LocalClusterConfig.POOL, 1, "v8", ModelPreset.TINY, var.resolve("images"),
                     Duration.ofSeconds(3), Map.of(ModelNeeds.DEVICE_MEMORY_MB, "12288"))).start();
             CuratorFramework zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10))) {
            cluster.awaitReady(1, Duration.ofSeconds(60));
            TestApi api = new TestApi(cluster.apiUrl(), new AccountStore(zk).create("una", Plan.PRO, System.currentTimeMillis()));
            awaitRefusal(api, "a castle --v 6");
            int jobsBefore = new JobStore(zk).jobIds().size();

            TestApi.Reply refused = api.postRaw("/v1/imagine", "{\"prompt\": \"a castle --v 6\"}");

            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.json().path("field").asText()).isEqualTo("--v");
            assertThat(refused.json().path("message").asText())
                    .contains("model v6 needs 16384 MB of device memory and the largest slot of this cluster has 12288 MB");
            assertThat(new JobStore(zk).jobIds()).hasSize(jobsBefore);
            assertThat(api.postRaw("/v1/imagine", "{\"prompt\": \"a castle --v 8\"}").status()).isEqualTo(202);
        }
    }

    @Test
    void aVersionTheClustersStateModelLacksIsRefused() throws Exception {
        try (EmbeddedZooKeeper zookeeper = new EmbeddedZooKeeper(var.resolve("zk"), 0).start();
             ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), LocalClusterConfig.CLUSTER);
             CuratorFramework zk = ZkClients.connect(zookeeper.connectString(), Duration.ofSeconds(10))) {
            setup.ensureCluster(List.of("v8"));   // an operator's cluster that serves v8 only
            new JobStore(zk).ensureLayout();
            java.nio.file.Path yaml = var.resolve("api.yml");
            java.nio.file.Files.writeString(yaml, """
                    zkAddress: %s
                    imageDir: %s
                    helixCluster: %s
                    server:
                      applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]
                      adminConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]
                    """.formatted(zookeeper.connectString(), var.resolve("images"), LocalClusterConfig.CLUSTER));
            try (SecondApi server = SecondApi.start(yaml)) {
                TestApi api = server.api(new TestApi("http://unused", new AccountStore(zk).create("vic", Plan.PRO,
                        System.currentTimeMillis())));

                TestApi.Reply refused = awaitRefusal(api, "a castle --v 6");

                assertThat(refused.status()).isEqualTo(422);
                assertThat(refused.json().path("message").asText())
                        .contains("model v6 is not served by this cluster (its slots can hold v8)")
                        .contains("ops/imagine models add v6");
                assertThat(api.postRaw("/v1/imagine", "{\"prompt\": \"a castle --v 8\"}").status()).isEqualTo(202);
            }
        }
    }

    /** The API learns the slot's capacity from Helix a moment after the participant registers. */
    private static TestApi.Reply awaitRefusal(TestApi api, String prompt) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String body = TestApi.JSON.writeValueAsString(Map.of("prompt", prompt));
        TestApi.Reply reply = api.postRaw("/v1/imagine", body);
        while (reply.status() == 202 && System.nanoTime() < deadline) {
            api.delete("/v1/jobs/" + reply.json().path("id").asText());
            Thread.sleep(100);
            reply = api.postRaw("/v1/imagine", body);
        }
        return reply;
    }
}
