package dev.imagine.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's policy file cannot be read: nothing is queued (503 saying why), the health check says so, and once
 * the file is there the filter takes it up without a restart.
 */
class ModerationFailsClosedTest {
    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zookeeper;
    static DropwizardTestSupport<ImagineApiConfiguration> app;
    static CuratorFramework zk;
    static Client client;
    static String key;
    static Path policy;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        policy = dir.resolve("policy.txt");
        app = new DropwizardTestSupport<>(ImagineApplication.class, ResourceHelpers.resourceFilePath("test-api.yml"),
                ConfigOverride.config("zkAddress", zookeeper.connectString()),
                ConfigOverride.config("imageDir", dir.resolve("images").toString()),
                ConfigOverride.config("moderation.policyFile", policy.toString()));
        app.before();
        zk = ZkClients.connect(zookeeper.connectString(), Duration.ofSeconds(5));
        new JobStore(zk).ensureLayout();
        key = new AccountStore(zk).create("una", Plan.PRO, System.currentTimeMillis());
        client = new JerseyClientBuilder().build();
    }

    @AfterAll
    static void stop() {
        client.close();
        zk.close();
        app.after();
        zookeeper.close();
    }

    private static Response submit(String prompt) {
        return client.target("http://127.0.0.1:" + app.getLocalPort() + "/v1/imagine").request()
                .header("Authorization", "Bearer " + key).post(Entity.json(Map.of("prompt", prompt)));
    }

    @Test
    void withoutAPolicyNothingIsQueuedAndTheHealthCheckSaysWhy() throws Exception {
        Response refused = submit("a red fox in snow");
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.readEntity(String.class)).contains("moderation is unavailable", "policy.txt");
        assertThat(zk.getChildren().forPath("/jobs")).isEmpty();
        Response health = client.target("http://127.0.0.1:" + app.getAdminPort() + "/healthcheck").request().get();
        assertThat(health.getStatus()).isEqualTo(500);
        assertThat(health.readEntity(String.class)).contains("prompt filter unavailable");

        Files.writeString(policy, "[test]\nimagine-moderation-test\n[local]\nforbidden fruit\n");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && (status = submit("a red fox in snow").getStatus()) != 202) {
            Thread.sleep(200);
        }
        assertThat(status).isEqualTo(202);
        Response local = submit("a f.o.r.b.i.d.d.e.n fruit bowl");
        assertThat(local.getStatus()).isEqualTo(400);
        assertThat(local.readEntity(String.class)).contains("category 'local'");
    }
}
