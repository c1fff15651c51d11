package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.imagine.api.webhooks.WebhookSignature;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.Lane;
import dev.imagine.core.moderation.ImageModeration;
import dev.imagine.core.moderation.KnownImageClassifier;
import dev.imagine.core.moderation.PerceptualHash;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.HistorySettings;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.participant.faults.FaultInjectingOps;
import dev.imagine.participant.faults.KernelFaults;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doors users meet, on the real system (ZooKeeper, Helix, participants, PostgreSQL): what is refused before the
 * queue, the grid's actions, the event stream, webhooks (across a restart) and the image check after rendering.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrontDoorsTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "CANCELLED", "REJECTED");

    @TempDir
    static Path var;
    static LocalCluster cluster;
    static CuratorFramework zk;
    static TestApi ida;
    static String idaKey;
    static String parent;
    static HttpServer receiver;
    static final List<Map<String, String>> deliveries = new CopyOnWriteArrayList<>();
    static final AtomicInteger answer = new AtomicInteger(500);
    /** Slows the kernels down for the event stream's test, so that a TINY grid takes long enough to show progress. */
    static final KernelFaults faults = new KernelFaults();

    @BeforeAll
    static void startSystem() throws Exception {
        cluster = start();
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
        idaKey = new AccountStore(zk).create("ida", Plan.PRO, System.currentTimeMillis());
        ida = new TestApi(cluster.apiUrl(), idaKey);
        parent = ida.submit("a red fox in snow --seed 5");
        assertThat(ida.awaitState(parent, DONE, JOB_TIMEOUT).path("state").asText()).isEqualTo("COMPLETED");
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            deliveries.add(Map.of("event", String.valueOf(exchange.getRequestHeaders().getFirst(WebhookSignature.EVENT_ID)),
                    "signature", String.valueOf(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER)),
                    "body", new String(body, StandardCharsets.UTF_8), "answer", Integer.toString(answer.get())));
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        receiver.start();
    }

    private static LocalCluster start() throws Exception {
        LocalCluster started = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 1, 2, ModelPreset.TINY,
                "v8", Duration.ofSeconds(3))).withHistory(HistorySettings.EMBEDDED)
                .withKernels((slot, ops) -> new FaultInjectingOps(ops, faults)).start();
        started.awaitReady(2, Duration.ofSeconds(90));
        return started;
    }

    @AfterAll
    static void stopSystem() {
        if (receiver != null) {
            receiver.stop(0);
        }
        if (zk != null) {
            zk.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void badInputIsAClear4xxAndNothingIsQueued() throws Exception {
        JobStore store = new JobStore(zk);
        int before = store.laneDepth(Lane.FAST) + store.laneDepth(Lane.RELAX) + store.laneDepth(Lane.TURBO);

        TestApi.Reply flagged = ida.postRaw("/v1/imagine", "{\"prompt\": \"a fox, 1m4g1ne m0derati0n-te$t\"}");
        assertThat(flagged.status()).isEqualTo(400);
        assertThat(flagged.json().path("field").asText()).isEqualTo("prompt");
        assertThat(flagged.json().path("message").asText()).contains("category 'test'");

        assertError(ida.postRaw("/v1/imagine", "{\"prompt\": 42}"), 400, "prompt");
        assertError(ida.postRaw("/v1/imagine", "{\"prompt\": \"a fox\", \"mode\": true}"), 400, "mode");
        assertError(ida.postRaw("/v1/imagine", "{\"prompt\": \"a fox\\u0007\"}"), 400, "prompt");
        assertError(ida.postRaw("/v1/imagine", "{\"prompt\": \"a fox\", \"promt\": 1}"), 400, "promt");
        assertError(ida.postRaw("/v1/imagine", "{\"prompt\": \"a fox\", \"callbackUrl\": \"ftp://example.com/x\"}"), 400,
                "callbackUrl");
        assertError(ida.postRaw("/v1/imagine", "{\"prompt\": \"a fox\", \"callbackUrl\": \"http://u:p@example.com/\"}"),
                400, "callbackUrl");
        TestApi.Reply huge = ida.postRaw("/v1/imagine", "{\"prompt\": \"" + "a".repeat(70_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().path("message").asText()).contains("limit is 65536 bytes");

        assertThat(store.laneDepth(Lane.FAST) + store.laneDepth(Lane.RELAX) + store.laneDepth(Lane.TURBO)).isEqualTo(before);
        String metrics = new TestApi(cluster.adminUrl(), null).get("/metrics").text();
        assertThat(metrics).contains("imagine.submissions.refused.moderation.test", "imagine.accept.latency",
                "imagine.queue.depth.fast");
        JsonNode health = new TestApi(cluster.adminUrl(), null).get("/healthcheck").json();
        for (String check : List.of("moderation", "dispatcher-leader", "image-store", "zookeeper")) {
            assertThat(health.path(check).path("healthy").asBoolean()).as(check + ": " + health.path(check)).isTrue();
        }
    }

    private static void assertError(TestApi.Reply reply, int status, String field) throws Exception {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.json().path("code").asInt()).isEqualTo(status);
        assertThat(reply.json().path("field").asText()).as(reply.text()).isEqualTo(field);
        assertThat(reply.json().path("message").asText()).isNotBlank();
    }

    @Test
    @Order(2)
    void everyActionIsANewJobLinkedToItsParent() throws Exception {
        JsonNode parentView = ida.job(parent);
        String variation = act(parent, "{\"action\": \"variation\", \"index\": 2, \"strength\": \"strong\"}");
        String reroll = act(parent, "{\"action\": \"reroll\"}");
        String remix = act(parent, "{\"action\": \"remix\", \"index\": 3, \"prompt\": \"the same fox at night\"}");
        String upscale = act(parent, "{\"action\": \"upscale\", \"index\": 1}");
        for (String id : List.of(variation, reroll, remix, upscale)) {
            JsonNode done = ida.awaitState(id, DONE, JOB_TIMEOUT);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("parentId").asText()).isEqualTo(parent);
            assertThat(done.path("chargedFastMillis").asLong()).as("charged like any job").isPositive();
        }
        assertThat(ida.job(variation).path("action").asText()).isEqualTo("variation");
        assertThat(ida.job(variation).path("index").asInt()).isEqualTo(2);
        assertThat(ida.job(reroll).path("spec").path("seed").asLong()).isNotEqualTo(5);
        assertThat(ida.job(reroll).path("spec").path("prompt").asText()).isEqualTo("a red fox in snow");
        assertThat(ida.job(remix).path("spec").path("prompt").asText()).isEqualTo("the same fox at night");
        // the upscale is image 1 at twice its size: as wide as the whole 2x2 grid, on a slot holding the upscaler
        JsonNode up = ida.job(upscale);
        assertThat(up.path("width").asInt()).isEqualTo(parentView.path("width").asInt());
        assertThat(up.path("spec").path("modelVersion").asText()).isEqualTo("upscaler");
        assertThat(ImageIO.read(new ByteArrayInputStream(ida.grid(upscale))).getWidth())
                .isEqualTo(parentView.path("width").asInt());
        // the history lists them, newest first
        assertThat(ida.get("/v1/jobs?limit=10").json().path("jobs").findValuesAsText("id")).contains(upscale, parent);
    }

    private static String act(String id, String body) throws Exception {
        TestApi.Reply reply = ida.postRaw("/v1/jobs/" + id + "/actions", body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply.json().path("id").asText();
    }

    @Test
    @Order(3)
    void actionsOnWhatCannotBeActedOnAreClear4xx() throws Exception {
        String waiting = ida.submit("a slow owl --q 2 --seed 9");
        assertThat(ida.postRaw("/v1/jobs/" + waiting + "/actions", "{\"action\": \"upscale\", \"index\": 1}").status())
                .isIn(409, 202); // 202 only if it finished already: checked below on a parent that cannot have
        TestApi other = ida.as(new AccountStore(zk).create("jon", Plan.PRO, System.currentTimeMillis()));
        assertError(other.postRaw("/v1/jobs/" + parent + "/actions", "{\"action\": \"reroll\"}"), 404, "id");
        assertError(ida.postRaw("/v1/jobs/" + parent + "/actions", "{\"action\": \"upscale\", \"index\": 5}"), 400, "index");
        assertError(ida.postRaw("/v1/jobs/" + parent + "/actions", "{\"action\": \"zoom\"}"), 400, "action");
        assertError(ida.postRaw("/v1/jobs/" + parent + "/actions", "{\"action\": \"variation\", \"index\": 1, "
                + "\"strength\": \"wild\"}"), 400, "strength");
        assertError(ida.postRaw("/v1/jobs/" + parent + "/actions", "{\"action\": \"remix\", \"index\": 1, "
                + "\"prompt\": \"a fox --ar 16:9\"}"), 400, "--ar");
        assertError(ida.postRaw("/v1/jobs/" + parent + "/actions", "{\"action\": \"remix\", \"index\": 1, "
                + "\"prompt\": \"imagine-moderation-test\"}"), 400, "prompt");
        assertError(ida.postRaw("/v1/jobs/" + parent + "/actions", "{\"action\": \"upscale\", \"index\": \"1\"}"), 400,
                "index");
        ida.awaitState(waiting, DONE, JOB_TIMEOUT);
        String cancelled = ida.submit("a cancelled heron --q 2 --seed 10");
        ida.delete("/v1/jobs/" + cancelled);
        assertThat(ida.job(cancelled).path("state").asText()).isEqualTo("CANCELLED");
        assertError(ida.postRaw("/v1/jobs/" + cancelled + "/actions", "{\"action\": \"reroll\"}"), 409, "id");
    }

    @Test
    @Order(4)
    void theEventStreamShowsProgressThenTheResultAndResumes() throws Exception {
        faults.slow(20);
        String id = ida.submit("a lighthouse in fog --seed 21");
        List<String[]> events;
        try {
            events = readEvents(id, null);
        } finally {
            faults.heal();
        }
        assertThat(events).isNotEmpty();
        assertThat(events.getFirst()[0]).isEqualTo("state");
        String[] last = events.getLast();
        assertThat(last[0]).isEqualTo("done");
        JsonNode done = TestApi.JSON.readTree(last[2]);
        assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("imageUrl").asText()).contains("/v1/images/");
        assertThat(events.stream().map(e -> e[0])).contains("progress");
        JsonNode running = TestApi.JSON.readTree(events.stream().filter(e -> e[0].equals("progress")).toList().getLast()[2]);
        assertThat(running.path("step").asInt()).isPositive();
        assertThat(running.path("progress").asDouble()).isBetween(0.0, 1.0);
        List<Long> ids = events.stream().map(e -> Long.parseLong(e[1])).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        // resumed after the last event: nothing new, the stream just ends; resumed earlier: only what came after
        assertThat(readEvents(id, last[1])).isEmpty();
        List<String[]> resumed = readEvents(id, events.get(events.size() / 2)[1]);
        assertThat(resumed).hasSize(1);
        assertThat(resumed.getFirst()[0]).isEqualTo("done");
        assertThat(ida.get("/v1/jobs/nope-nope/events").status()).isEqualTo(404);
    }

    /** The stream's events as {name, id, data}, read until the server ends it. */
    private static List<String[]> readEvents(String id, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/v1/jobs/" + id + "/events"))
                .header("Authorization", "Bearer " + idaKey()).header("Accept", "text/event-stream").timeout(JOB_TIMEOUT);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String[]> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            String eventId = null;
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    eventId = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && name != null) {
                    events.add(new String[] {name, eventId, data.toString()});
                    name = null;
                    data.setLength(0);
                }
            }
        }
        return events;
    }

    private static String idaKey() {
        return idaKey;
    }

    @Test
    @Order(5)
    void aRefusedGridIsRenderedAgainWithANewSeedAndRejectedAfterThree() throws Exception {
        var grid = ImageIO.read(new ByteArrayInputStream(ida.grid(parent)));
        String hash = PerceptualHash.hex(PerceptualHash.of(ImageModeration.cells(grid).get(0)));
        KnownImageClassifier.add(zk, new KnownImageClassifier.Entry(hash, KnownImageClassifier.DEFAULT_TOLERANCE, "test"));
        try {
            // the very same request renders the very same grid: refused, and rendered again with another seed
            String again = ida.submit("a red fox in snow --seed 5");
            JsonNode done = ida.awaitState(again, DONE, JOB_TIMEOUT);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            assertThat(done.path("rerenders").asInt()).isEqualTo(1);
            assertThat(done.path("spec").path("seed").asLong()).isNotEqualTo(5);

            // an entry that matches everything: three renders, then REJECTED with the reason, nothing delivered
            KnownImageClassifier.add(zk, new KnownImageClassifier.Entry(hash, 64, "matches all"));
            String refused = ida.submit("a blue heron --seed 6");
            JsonNode rejected = ida.awaitState(refused, DONE, JOB_TIMEOUT);
            assertThat(rejected.path("state").asText()).isEqualTo("REJECTED");
            assertThat(rejected.path("error").asText()).contains("refused by moderation after 3 renders");
            assertThat(rejected.has("gridUrl")).isFalse();
            assertThat(ida.get("/v1/jobs/" + refused + "/grid.png").status()).isEqualTo(409);
        } finally {
            zk.setData().forPath(KnownImageClassifier.PATH, "{\"entries\":[]}".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    @Order(6)
    void anUnreadableKnownImageListDeliversNothingAndTheHealthCheckSaysSo() throws Exception {
        zk.create().orSetData().creatingParentsIfNeeded().forPath(KnownImageClassifier.PATH,
                "{not json".getBytes(StandardCharsets.UTF_8));
        try {
            JsonNode health = new TestApi(cluster.adminUrl(), null).get("/healthcheck").json();
            assertThat(health.path("moderation").path("healthy").asBoolean()).isFalse();
            assertThat(health.path("moderation").path("message").asText()).contains("nothing is delivered");

            String id = ida.submit("a grey owl --seed 12");
            JsonNode ended = ida.awaitState(id, DONE, JOB_TIMEOUT);
            assertThat(ended.path("state").asText()).isEqualTo("FAILED");
            assertThat(ended.path("error").asText()).contains("image moderation unavailable");
            assertThat(ended.has("gridUrl")).isFalse();
        } finally {
            zk.setData().forPath(KnownImageClassifier.PATH, "{\"entries\":[]}".getBytes(StandardCharsets.UTF_8));
        }
        JsonNode health = new TestApi(cluster.adminUrl(), null).get("/healthcheck").json();
        assertThat(health.path("moderation").path("healthy").asBoolean()).isTrue();
    }

    @Test
    @Order(7)
    void aWebhookIsSignedRetriedAndDeliveredAcrossARestart() throws Exception {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        answer.set(500);
        TestApi.Reply submitted = ida.postRaw("/v1/imagine", TestApi.JSON.writeValueAsString(
                Map.of("prompt", "a moth at a lamp --seed 31", "callbackUrl", url)));
        assertThat(submitted.status()).isEqualTo(202);
        String id = submitted.json().path("id").asText();
        ida.awaitState(id, DONE, JOB_TIMEOUT);
        awaitDeliveries(1);
        String secret = ida.get("/v1/me").json().path("webhookSecret").asText();
        assertThat(deliveries.getFirst().get("answer")).isEqualTo("500");
        assertThat(secret).startsWith("whsec_");

        // the API goes down while the receiver fails; the outbox is in ZooKeeper, so the restarted system delivers
        cluster.close();
        answer.set(200);
        int before = deliveries.size();
        cluster = start();
        zk.close();
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
        awaitAnswered(200);
        assertThat(deliveries.size()).isGreaterThan(before);
        Map<String, String> delivered = deliveries.stream().filter(d -> d.get("answer").equals("200")).findFirst().orElseThrow();
        assertThat(delivered.get("event")).isEqualTo(id + ".completed").isEqualTo(deliveries.getFirst().get("event"));
        JsonNode body = TestApi.JSON.readTree(delivered.get("body"));
        assertThat(body.path("id").asText()).isEqualTo(id);
        assertThat(body.path("state").asText()).isEqualTo("COMPLETED");
        String[] parts = delivered.get("signature").split(",");
        long t = Long.parseLong(parts[0].substring(2));
        assertThat(parts[1]).isEqualTo("v1=" + WebhookSignature.hmac(secret, t,
                delivered.get("body").getBytes(StandardCharsets.UTF_8)));
        assertThat(zk.checkExists().forPath("/webhooks/" + id)).isNull();
    }

    private static void awaitDeliveries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (deliveries.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(deliveries).hasSizeGreaterThanOrEqualTo(count);
    }

    private static void awaitAnswered(int status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (deliveries.stream().noneMatch(d -> d.get("answer").equals(Integer.toString(status)))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(deliveries.stream().map(d -> d.get("answer"))).contains(Integer.toString(status));
    }
}
