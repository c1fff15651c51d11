package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.SamplingPlan;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole system as {@code imagine up} runs it — real ZooKeeper, Helix controller and participants,
 * Dropwizard API — driven over HTTP only.
 */
class EndToEndTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");

    @TempDir
    static Path var;
    static LocalCluster cluster;
    static TestApi api;
    static CuratorFramework zk;

    @BeforeAll
    static void startSystem() throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 2, 1, ModelPreset.TINY, "v8",
                Duration.ofSeconds(3))).start();
        cluster.awaitReady(2, Duration.ofSeconds(60));
        api = new TestApi(cluster.apiUrl(), cluster.devApiKey());
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopSystem() {
        if (zk != null) {
            zk.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void submittedJobCompletesAndServesItsGrid() throws Exception {
        TestApi.Reply accepted = api.postRaw("/v1/imagine", "{\"prompt\": \"a red fox in snow --ar 3:2 --seed 7\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().path("id").asText();
        assertThat(accepted.json().path("seed").asLong()).isEqualTo(7);

        JsonNode job = api.awaitState(id, DONE, JOB_TIMEOUT);

        assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(job.path("progress").asDouble()).isEqualTo(1.0);
        assertThat(job.path("step").asInt()).isEqualTo(job.path("totalSteps").asInt()).isPositive();
        assertThat(job.path("worker").asText()).startsWith("worker-");
        assertThat(job.at("/timings/totalMillis").asLong()).isPositive();
        SamplingPlan plan = ModelRegistry.load("v8", ModelPreset.TINY)
                .plan(new GenerationRequest("a red fox in snow", "", 7, 3, 2, 1, 100, 0));
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(api.grid(id)));
        assertThat(grid.getWidth()).isEqualTo(2 * plan.imageWidth()).isEqualTo(job.path("width").asInt());
        assertThat(grid.getHeight()).isEqualTo(2 * plan.imageHeight()).isEqualTo(job.path("height").asInt());
        assertThat(grid.getWidth()).isGreaterThan(grid.getHeight());
        // Cacheable for good by any CDN: the grid's hash is its entity tag, and a matching If-None-Match is a 304.
        TestApi.Reply served = api.get("/v1/jobs/" + id + "/grid.png");
        String etag = served.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{64}\"");
        assertThat(served.header("Cache-Control")).contains("immutable").contains("max-age=31536000").contains("public");
        TestApi.Reply again = api.get("/v1/jobs/" + id + "/grid.png", "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(api.get("/v1/jobs/" + id + "/grid.png", "If-None-Match", "\"" + "0".repeat(64) + "\"").status())
                .isEqualTo(200);
        // Previews are scratch: the record named the last one, and once the job is finished it is deleted.
        String preview = new dev.imagine.core.zk.JobStore(zk).get(id).orElseThrow().value().preview();
        assertThat(preview).as("the last step's preview was named in the record").hasSize(64);
        TestApi.Reply gone = api.get("/v1/jobs/" + id + "/preview.png");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("message").asText()).contains("finished").contains("grid.png");
        assertThat(new dev.imagine.core.store.ImageStore(var.resolve("images")).read(preview)).isEmpty();
    }

    @Test
    void sameSeedGivesIdenticalPngAndAnotherSeedAnother() throws Exception {
        String first = api.submit("a lighthouse at dusk --seed 11 --chaos 20");
        String again = api.submit("a lighthouse at dusk --seed 11 --chaos 20");
        String other = api.submit("a lighthouse at dusk --seed 12 --chaos 20");
        for (String id : new String[] {first, again, other}) {
            assertThat(api.awaitState(id, DONE, JOB_TIMEOUT).path("state").asText()).isEqualTo("COMPLETED");
        }
        assertThat(api.grid(again)).isEqualTo(api.grid(first));
        assertThat(api.grid(other)).isNotEqualTo(api.grid(first));
    }

    @Test
    void jobForAnotherModelVersionGetsASlotRetargeted() throws Exception {
        String id = api.submit("a castle --v 6 --seed 3");
        JsonNode job = api.awaitState(id, DONE, JOB_TIMEOUT);
        assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(job.at("/spec/modelVersion").asText()).isEqualTo("v6");
        assertThat(cluster.controller().slots()).anyMatch(slot -> "v6".equals(slot.version()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty prompt      | {\"prompt\": \"\"}                                  | prompt is empty",
            "missing prompt    | {}                                                  | prompt is empty",
            "unknown flag      | {\"prompt\": \"a fox --zoom 2\"}                    | unknown flag --zoom",
            "zero aspect       | {\"prompt\": \"a fox --ar 0:1\"}                    | --ar must be W:H",
            "negative seed     | {\"prompt\": \"a fox --seed -1\"}                   | --seed must be a whole number from 0 to 4294967295",
            "unknown mode      | {\"prompt\": \"a fox\", \"mode\": \"warp\"}         | unknown mode 'warp'",
            "invalid JSON      | {\"prompt\": \"a fox\"                              | not valid JSON",
            "not an object     | [1, 2]                                              | request body",
            "unknown field     | {\"promt\": \"a fox\"}                              | unknown field 'promt'",
    })
    void badRequestIsA400WithAClearMessageAndQueuesNothing(String name, String body, String message) throws Exception {
        int jobsBefore = jobCount();

        TestApi.Reply reply = api.postRaw("/v1/imagine", body);

        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.json().path("message").asText()).contains(message.trim());
        assertThat(reply.text()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(jobCount()).isEqualTo(jobsBefore);
    }

    @Test
    void tenKilobytePromptIsA400AndQueuesNothing() throws Exception {
        int jobsBefore = jobCount();
        String prompt = "a very detailed fox ".repeat(512);   // 10,240 characters

        TestApi.Reply reply = api.postRaw("/v1/imagine", TestApi.JSON.writeValueAsString(java.util.Map.of("prompt", prompt)));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("message").asText()).contains("limit is 4000");
        assertThat(reply.json().path("field").asText()).isEqualTo("prompt");
        assertThat(jobCount()).isEqualTo(jobsBefore);
    }

    @Test
    void aGridWhoseStoredBytesRottedIsNotServed() throws Exception {
        String id = api.submit("a fragile vase --seed 31");
        JsonNode done = api.awaitState(id, DONE, JOB_TIMEOUT);
        assertThat(api.get("/v1/jobs/" + id + "/grid.png").status()).isEqualTo(200);
        String name = new dev.imagine.core.zk.JobStore(zk).get(id).orElseThrow().value().imagePath();
        java.nio.file.Files.writeString(var.resolve("images").resolve("hot").resolve(name.substring(0, 2))
                .resolve(name.substring(2, 4)).resolve(name), "bit rot");

        TestApi.Reply refused = api.get("/v1/jobs/" + id + "/grid.png");

        assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(refused.status()).isEqualTo(410);
        assertThat(refused.json().path("message").asText()).contains("failed its integrity check");
    }

    @Test
    void unknownJobIsA404() throws Exception {
        assertThat(api.get("/v1/jobs/zzzz-nothere").status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs/Not.An.Id").status()).isEqualTo(404);
        assertThat(api.get("/v1/jobs/..%2F..%2Fetc%2Fpasswd/grid.png").status()).isBetween(400, 404);
        assertThat(api.get("/v1/jobs/zzzz-nothere/grid.png").status()).isEqualTo(404);
    }

    @Test
    void healthReportsZooKeeperAndLaneDepths() throws Exception {
        TestApi.Reply reply = api.get("/v1/health");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asText()).isEqualTo("ok");
        assertThat(reply.json().path("queued").has("turbo")).isTrue();
    }

    private static int jobCount() throws Exception {
        int lanes = 0;
        JobStore store = new JobStore(zk);
        for (Lane lane : Lane.values()) {
            lanes += store.laneDepth(lane);
        }
        return zk.getChildren().forPath(ZkPaths.JOBS).size() * 1000 + lanes;
    }
}
