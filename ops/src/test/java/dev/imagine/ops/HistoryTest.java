package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.api.core.ImageLinks;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.history.JobHistory;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.HistorySettings;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.curator.framework.CuratorFramework;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history on the real system (ZooKeeper, Helix, a participant, the API, embedded PostgreSQL 17): finished jobs
 * copied to PostgreSQL at once and handed over (removed from ZooKeeper) by an archiver killed between its two writes,
 * then served from PostgreSQL exactly as before; history pages; signed image links; de-duplicated grids.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "CANCELLED");

    @TempDir
    static Path var;
    static LocalCluster cluster;
    static CuratorFramework zk;
    static TestApi hana;
    static JobHistory history;
    static final List<String> ids = new ArrayList<>();
    static final Map<String, JsonNode> viewsInZooKeeper = new HashMap<>();

    @BeforeAll
    static void startSystem() throws Exception {
        // A long retention: the API's own archiver copies finished jobs but never removes them; the test's does.
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 1, 1, ModelPreset.TINY, "v8",
                Duration.ofSeconds(3))).withHistory(HistorySettings.EMBEDDED.withRetention(Duration.ofHours(1))).start();
        cluster.awaitReady(1, Duration.ofSeconds(60));
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
        hana = new TestApi(cluster.apiUrl(), new AccountStore(zk).create("hana", Plan.PRO, System.currentTimeMillis()));
        history = new JobHistory(Jdbi.create(cluster.jdbcUrl(), "postgres", ""));
        for (String prompt : List.of("a red fox in snow --seed 1", "a blue whale --seed 2", "a red fox at dusk --seed 3",
                "a castle --seed 4")) {
            ids.add(hana.submit(prompt));
        }
        for (String id : ids) {
            JsonNode done = hana.awaitState(id, DONE, JOB_TIMEOUT);
            assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
            viewsInZooKeeper.put(id, done);
        }
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
    @Order(1)
    void aFinishedJobIsInPostgreSqlWithinAPassWhileZooKeeperStillHasIt() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && !ids.stream().allMatch(id ->
                history.find(id).map(j -> j.state().name().equals("COMPLETED")).orElse(false))) {
            Thread.sleep(100);
        }
        JobStore store = new JobStore(zk);
        for (String id : ids) {
            assertThat(history.find(id)).as("job %s in the history", id).contains(store.get(id).orElseThrow().value());
            assertThat(zk.checkExists().forPath(ZkPaths.finished(id))).isNotNull();
        }
    }

    @Test
    @Order(2)
    void anArchiverKilledBetweenItsTwoWritesLosesNothingAndChargesOnce() throws Exception {
        JobStore store = new JobStore(zk);
        long charged = 0;
        for (String id : ids) {
            charged += store.get(id).orElseThrow().value().chargedMillis();
        }
        assertThat(charged).isPositive();

        int killed = ArchiverProcess.run(cluster.zkAddress(), cluster.jdbcUrl(), var.resolve("images"), 1,
                var.resolve("logs/archiver-killed.log"));

        assertThat(killed).as("exit code of the archiver killed after its first history write").isEqualTo(137);
        // The first job is written as archived, yet nothing has left ZooKeeper: the kill came before the removal.
        long archived = history.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE user_name = 'hana' "
                + "AND archived_at_millis IS NOT NULL").mapTo(Long.class).one());
        assertThat(archived).isEqualTo(1);
        for (String id : ids) {
            assertThat(store.get(id)).as("job %s still in ZooKeeper", id).isPresent();
        }

        int clean = ArchiverProcess.run(cluster.zkAddress(), cluster.jdbcUrl(), var.resolve("images"), 0,
                var.resolve("logs/archiver.log"));

        assertThat(clean).isZero();
        for (String id : ids) {
            assertThat(store.get(id)).as("job %s gone from ZooKeeper", id).isEmpty();
            assertThat(zk.checkExists().forPath(ZkPaths.finished(id))).isNull();
            assertThat(history.find(id)).isPresent();
        }
        assertThat(history.ledgerRows("hana")).isEqualTo(ids.size());
        assertThat(history.chargedMillis("hana")).isEqualTo(charged);
        long rows = history.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE user_name = 'hana'")
                .mapTo(Long.class).one());
        assertThat(rows).isEqualTo(ids.size());
        long users = history.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users u JOIN api_keys k "
                + "ON k.user_name = u.name WHERE u.name = 'hana' AND u.plan = 'PRO'").mapTo(Long.class).one());
        assertThat(users).as("hana and her key hash copied").isEqualTo(1);
    }

    @Test
    @Order(3)
    void aJobThatLeftZooKeeperIsServedFromPostgreSqlExactlyAsBefore() throws Exception {
        for (String id : ids) {
            JsonNode before = viewsInZooKeeper.get(id);
            JsonNode after = hana.job(id);
            assertThat(after.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(after.path("imageSha256").asText()).isEqualTo(before.path("imageSha256").asText()).hasSize(64);
            assertThat(after.path("chargedFastMillis").asLong()).isEqualTo(before.path("chargedFastMillis").asLong());
            assertThat(after.path("spec")).isEqualTo(before.path("spec"));
            assertThat(after.path("timings")).isEqualTo(before.path("timings"));
            TestApi.Reply grid = hana.get("/v1/jobs/" + id + "/grid.png");
            assertThat(grid.status()).isEqualTo(200);
            assertThat(grid.header("ETag")).isEqualTo("\"" + before.path("imageSha256").asText() + "\"");
            TestApi.Reply cancel = hana.delete("/v1/jobs/" + id);
            assertThat(cancel.status()).isEqualTo(409);
            assertThat(cancel.json().path("message").asText()).contains("already COMPLETED");
        }
        assertThat(new TestApi(cluster.apiUrl(), cluster.devApiKey()).get("/v1/jobs/" + ids.getFirst()).status())
                .as("another user's job").isEqualTo(404);
    }

    @Test
    @Order(4)
    void historyPagesNewestFirstWithCursorsAndFilters() throws Exception {
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);

        JsonNode first = hana.get("/v1/jobs?limit=3").json();
        JsonNode second = hana.get("/v1/jobs?limit=3&cursor=" + first.path("next").asText()).json();

        List<String> paged = new ArrayList<>();
        first.path("jobs").forEach(j -> paged.add(j.path("id").asText()));
        second.path("jobs").forEach(j -> paged.add(j.path("id").asText()));
        assertThat(paged).isEqualTo(newestFirst);
        assertThat(second.has("next")).isFalse();
        assertThat(hana.get("/v1/jobs?state=COMPLETED").json().path("jobs")).hasSize(4);
        assertThat(hana.get("/v1/jobs?state=failed,cancelled").json().path("jobs")).isEmpty();
        JsonNode foxes = hana.get("/v1/jobs?q=red%20fox").json().path("jobs");
        assertThat(foxes).hasSize(2);
        assertThat(foxes.get(0).path("id").asText()).isEqualTo(ids.get(2));
        assertThat(new TestApi(cluster.apiUrl(), cluster.devApiKey()).get("/v1/jobs?q=fox").json().path("jobs"))
                .as("another user's history").isEmpty();

        for (String bad : List.of("cursor=garbage", "limit=0", "limit=abc", "state=DONE", "q=%01")) {
            TestApi.Reply refused = hana.get("/v1/jobs?" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().path("message").asText()).as(bad).isNotBlank();
            assertThat(refused.json().path("field").asText()).as(bad).isEqualTo(bad.substring(0, bad.indexOf('=')));
        }
    }

    @Test
    @Order(5)
    void signedImageLinksWorkWithoutAKeyUntilTheyExpireAndRefuseTampering() throws Exception {
        JsonNode job = hana.job(ids.getFirst());
        String hash = job.path("imageSha256").asText();
        String link = job.path("imageUrl").asText();
        assertThat(link).startsWith("/v1/images/" + hash + ".png?expires=");
        TestApi anonymous = new TestApi(cluster.apiUrl(), null);

        TestApi.Reply image = anonymous.get(link);

        assertThat(image.status()).isEqualTo(200);
        assertThat(image.header("Content-Type")).isEqualTo("image/png");
        assertThat(image.header("ETag")).isEqualTo("\"" + hash + "\"");
        assertThat(image.header("Cache-Control")).contains("public").contains("immutable").containsPattern("max-age=\\d+");
        assertThat(dev.imagine.core.store.ContentHash.of(image.body())).isEqualTo(hash);
        TestApi.Reply revalidated = anonymous.get(link, "If-None-Match", image.header("ETag"));
        assertThat(revalidated.status()).isEqualTo(304);
        assertThat(revalidated.body()).isEmpty();

        String signature = link.substring(link.indexOf("&sig=") + 5);
        String flipped = signature.substring(0, signature.length() - 1) + (signature.endsWith("0") ? "1" : "0");
        String otherHash = job.path("imageSha256").asText().replace(hash.charAt(0), hash.charAt(0) == 'a' ? 'b' : 'a');
        ImageLinks sameKey = new ImageLinks(HexFormat.of().parseHex(Files.readString(var.resolve("image-link-key")).trim()),
                Duration.ofHours(1), Clock.systemUTC());
        String expired = sameKey.linkUntil(hash + ".png", System.currentTimeMillis() / 1000 - 1);
        Map<String, String> refused = Map.of(
                "a changed signature", link.substring(0, link.indexOf("&sig=") + 5) + flipped,
                "another image under this signature", link.replace(hash, otherHash),
                "a later expiry", link.replaceFirst("expires=\\d+", "expires=9999999999"),
                "an expired link", expired,
                "no signature", "/v1/images/" + hash + ".png");
        for (Map.Entry<String, String> attempt : refused.entrySet()) {
            TestApi.Reply reply = anonymous.get(attempt.getValue());
            assertThat(reply.status()).as(attempt.getKey()).isEqualTo(403);
            assertThat(reply.json().path("field").asText()).as(attempt.getKey()).isEqualTo("sig");
        }
        assertThat(anonymous.get(expired).json().path("message").asText()).contains("expired");

        TestApi.Reply thumbnail = anonymous.get(job.path("thumbnailUrl").asText());
        assertThat(thumbnail.status()).isEqualTo(200);
        assertThat(thumbnail.header("Content-Type")).isEqualTo("image/jpeg");
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(image.body()));
        assertThat(Math.max(small.getWidth(), small.getHeight())).isLessThanOrEqualTo(512);
        assertThat((double) small.getWidth() / small.getHeight())
                .isCloseTo((double) grid.getWidth() / grid.getHeight(), org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    @Order(6)
    void theSameGridMadeTwiceIsStoredOnce() throws Exception {
        String again = hana.submit("a red fox in snow --seed 1");
        JsonNode twin = hana.awaitState(again, DONE, JOB_TIMEOUT);
        String original = viewsInZooKeeper.get(ids.getFirst()).path("imageSha256").asText();

        assertThat(twin.path("imageSha256").asText()).isEqualTo(original);
        CliRun stats = CliRun.run("storage", "stats", "--images", var.resolve("images").toString(), "--json");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        JsonNode hot = TestApi.JSON.readTree(stats.out()).get(0);
        assertThat(hot.path("tier").asText()).isEqualTo("hot");
        // each grid is stored with its final latents (what its variations start from): two objects a job
        String latents = record(again).latents();
        assertThat(latents).isNotNull().isEqualTo(record(ids.getFirst()).latents());
        assertThat(hot.path("objects").asLong()).isEqualTo(2L * ids.size());
        assertThat(hot.path("savedBytes").asLong()).isEqualTo(storedSize(original) + storedSize(latents));
    }

    /** Wherever the job is by now: ZooKeeper, or the history once archived. */
    private static dev.imagine.core.job.JobRecord record(String id) throws Exception {
        return new JobStore(zk).get(id).map(v -> v.value()).or(() -> history.find(id)).orElseThrow();
    }

    private static long storedSize(String hash) throws java.io.IOException {
        return Files.size(var.resolve("images/hot").resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash));
    }
}
