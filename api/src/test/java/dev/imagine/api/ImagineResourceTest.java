package dev.imagine.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dropwizard app on port 0 against a real ZooKeeper: what is accepted is queued, what is not is not. */
class ImagineResourceTest {
    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zookeeper;
    static DropwizardTestSupport<ImagineApiConfiguration> app;
    static CuratorFramework zk;
    static Client client;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        app = new DropwizardTestSupport<>(ImagineApplication.class, ResourceHelpers.resourceFilePath("test-api.yml"),
                ConfigOverride.config("zkAddress", zookeeper.connectString()),
                ConfigOverride.config("imageDir", dir.resolve("images").toString()));
        app.before();
        zk = ZkClients.connect(zookeeper.connectString(), Duration.ofSeconds(5));
        new JobStore(zk).ensureLayout();
        key = new AccountStore(zk).create("ann", Plan.PRO, System.currentTimeMillis());
        client = new JerseyClientBuilder().build();
    }

    @AfterAll
    static void stop() {
        client.close();
        zk.close();
        app.after();
        zookeeper.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + app.getLocalPort() + path;
    }

    @Test
    void acceptedPromptIsQueuedInItsLaneWithItsFlags() throws Exception {
        JobStore store = new JobStore(zk);
        int before = store.laneDepth(Lane.RELAX);

        Response response = client.target(url("/v1/imagine")).request().header("Authorization", "Bearer " + key)
                .post(Entity.json(Map.of("prompt", "a red fox in snow --ar 16:9 --seed 7 --relax")));

        assertThat(response.getStatus()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = response.readEntity(Map.class);
        String id = (String) body.get("id");
        assertThat(response.getLocation().getPath()).isEqualTo("/v1/jobs/" + id);
        assertThat(store.laneDepth(Lane.RELAX)).isEqualTo(before + 1);
        var job = store.get(id).orElseThrow().value();
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.spec().aspectWidth()).isEqualTo(16);
        assertThat(job.spec().seed()).isEqualTo(7);
        assertThat(job.user()).isEqualTo("ann");
    }

    @Test
    void rejectedPromptNamesTheFlagAndWritesNothing() throws Exception {
        int jobsBefore = zk.getChildren().forPath("/jobs").size();

        Response response = client.target(url("/v1/imagine")).request().header("Authorization", "Bearer " + key)
                .post(Entity.json(Map.of("prompt", "a fox --chaos 500")));

        assertThat(response.getStatus()).isEqualTo(400);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = response.readEntity(Map.class);
        assertThat(body.get("field")).isEqualTo("--chaos");
        assertThat((String) body.get("message")).contains("from 0 to 100");
        assertThat(zk.getChildren().forPath("/jobs")).hasSize(jobsBefore);
    }

    @Test
    void queuedJobShowsItsStateAndNoGridYet() {
        Response accepted = client.target(url("/v1/imagine")).request().header("Authorization", "Bearer " + key).post(Entity.json(Map.of("prompt", "a lighthouse")));
        String id = (String) accepted.readEntity(Map.class).get("id");

        @SuppressWarnings("unchecked")
        Map<String, Object> job = client.target(url("/v1/jobs/" + id)).request().header("Authorization", "Bearer " + key).get(Map.class);
        assertThat(job.get("state")).isEqualTo("QUEUED");
        assertThat(job.get("progress")).isEqualTo(0.0);
        assertThat(client.target(url("/v1/jobs/" + id + "/grid.png")).request().header("Authorization", "Bearer " + key).get().getStatus()).isEqualTo(409);
    }

    @Test
    void wordsTheTrainedModelDoesNotKnowAreListedBackInTheSubmissionAndTheJob() {
        Response accepted = client.target(url("/v1/imagine")).request().header("Authorization", "Bearer " + key)
                .post(Entity.json(Map.of("prompt", "a red fox circle in the top left on a blue background --v 9")));
        assertThat(accepted.getStatus()).isEqualTo(202);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = accepted.readEntity(Map.class);
        assertThat(body.get("ignoredWords")).isEqualTo(java.util.List.of("fox"));
        @SuppressWarnings("unchecked")
        Map<String, Object> job = client.target(url("/v1/jobs/" + body.get("id"))).request()
                .header("Authorization", "Bearer " + key).get(Map.class);
        assertThat(job.get("ignoredWords")).isEqualTo(java.util.List.of("fox"));

        Response known = client.target(url("/v1/imagine")).request().header("Authorization", "Bearer " + key)
                .post(Entity.json(Map.of("prompt", "blue background, red circle, top left --v 9")));
        assertThat(known.readEntity(Map.class).get("ignoredWords")).isEqualTo(java.util.List.of());
        Response open = client.target(url("/v1/imagine")).request().header("Authorization", "Bearer " + key)
                .post(Entity.json(Map.of("prompt", "a red fox in snow --v 8")));
        assertThat(open.readEntity(Map.class)).doesNotContainKey("ignoredWords");
    }

    @Test
    @SuppressWarnings("unchecked")
    void modelsListsTheVersionsAndTheTrainedVocabulary() {
        @SuppressWarnings("unchecked")
        Map<String, Object> models = client.target(url("/v1/models")).request().header("Authorization", "Bearer " + key)
                .get(Map.class);
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> list = (java.util.List<Map<String, Object>>) models.get("models");
        assertThat(list).extracting(m -> m.get("version")).containsExactly("v6", "v8", "v9");
        Map<String, Object> v9 = list.get(2);
        assertThat(v9.get("trained")).isEqualTo(true);
        assertThat(v9.get("imageSize")).isEqualTo(32);
        assertThat((java.util.List<Object>) v9.get("vocabulary")).contains("red", "cross", "left", "background");
        assertThat(client.target(url("/v1/models")).request().get().getStatus()).isEqualTo(401);
    }
}
