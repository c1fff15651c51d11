package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.HistorySettings;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up} stopped and started again on the same state folder: every job (archived to PostgreSQL or not), every
 * user and key, every grid and every image link is still there.
 */
class RestartKeepsEverythingTest {
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "CANCELLED");

    @TempDir
    Path var;

    private LocalCluster start(Duration retention) throws Exception {
        LocalCluster cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 1, 1, ModelPreset.TINY,
                "v8", Duration.ofSeconds(3))).withHistory(HistorySettings.EMBEDDED.withRetention(retention)).start();
        cluster.awaitReady(1, Duration.ofSeconds(60));
        return cluster;
    }

    @Test
    void aRestartKeepsEveryJobUserGridAndLink() throws Exception {
        List<String> ids = new ArrayList<>();
        Map<String, JsonNode> before = new HashMap<>();
        String key;
        try (LocalCluster cluster = start(Duration.ZERO);
             CuratorFramework zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10))) {
            key = new AccountStore(zk).create("ivan", Plan.STANDARD, System.currentTimeMillis());
            TestApi ivan = new TestApi(cluster.apiUrl(), key);
            for (int i = 0; i < 3; i++) {
                ids.add(ivan.submit("a lighthouse number " + i + " --seed " + i));
            }
            for (String id : ids) {
                before.put(id, ivan.awaitState(id, DONE, Duration.ofSeconds(90)));
            }
            // retention zero: the archiver hands each over within a pass or two
            JobStore store = new JobStore(zk);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && ids.stream().anyMatch(id -> {
                try {
                    return store.get(id).isPresent();
                } catch (Exception e) {
                    return true;
                }
            })) {
                Thread.sleep(100);
            }
            for (String id : ids) {
                assertThat(store.get(id)).as("job %s handed over to PostgreSQL", id).isEmpty();
            }
        }

        try (LocalCluster again = start(Duration.ofMinutes(5))) {
            TestApi ivan = new TestApi(again.apiUrl(), key);
            JsonNode page = ivan.get("/v1/jobs").json();
            List<String> listed = new ArrayList<>();
            page.path("jobs").forEach(job -> listed.add(job.path("id").asText()));
            assertThat(listed).containsExactly(ids.get(2), ids.get(1), ids.get(0));
            for (String id : ids) {
                JsonNode job = ivan.job(id);
                assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
                assertThat(job.path("imageSha256").asText()).isEqualTo(before.get(id).path("imageSha256").asText());
                TestApi.Reply grid = ivan.get("/v1/jobs/" + id + "/grid.png");
                assertThat(grid.status()).isEqualTo(200);
                assertThat(dev.imagine.core.store.ContentHash.of(grid.body())).isEqualTo(job.path("imageSha256").asText());
                // a link handed out before the restart still works: the key is kept with the state
                TestApi.Reply shared = new TestApi(again.apiUrl(), null).get(before.get(id).path("imageUrl").asText());
                assertThat(shared.status()).isEqualTo(200);
            }
            assertThat(ivan.get("/v1/me").json().path("plan").asText()).isEqualToIgnoringCase("standard");
            assertThat(new TestApi(again.apiUrl(), again.devApiKey()).get("/v1/me").status()).isEqualTo(200);
        }
    }
}
