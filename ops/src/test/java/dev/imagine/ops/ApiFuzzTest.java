package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.curator.framework.CuratorFramework;

/**
 * Generated input against the real API (Dropwizard, ZooKeeper, the accounts and limits): prompts built from the
 * grammar's own pieces and from any characters, JSON bodies of every shape and type, paths, query strings, keys and
 * headers. Whatever comes in, the answer is never a 5xx nor a stack trace; every refusal is a 4xx JSON
 * {code, message} that names what to fix; and at the end ZooKeeper holds nothing half-written (every waiting job
 * has its lane entry, every entry its job, every account's waiting count its waiting jobs).
 */
class ApiFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final int USERS = 12;
    private static LocalCluster cluster;
    private static CuratorFramework zk;
    private static String[] keys;

    @BeforeContainer
    static void start() throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(Files.createTempDirectory("imagine-fuzz"), 0, "127.0.0.1", 0,
                0, 1, ModelPreset.TINY, "v8", Duration.ofSeconds(3))).start();
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
        keys = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            keys[i] = new AccountStore(zk).create("fuzz-" + i, i % 3 == 0 ? Plan.BASIC : Plan.MEGA, System.currentTimeMillis());
        }
    }

    @AfterContainer
    static void checkNothingHalfWrittenAndStop() throws Exception {
        try {
            JobStore store = new JobStore(zk);
            Map<String, Integer> waitingByUser = new HashMap<>();
            Map<String, Integer> entriesByJob = new HashMap<>();
            for (Lane lane : Lane.values()) {
                for (LaneEntry entry : store.laneEntries(lane)) {
                    entriesByJob.merge(entry.jobId(), 1, Integer::sum);
                }
            }
            for (String id : store.jobIds()) {
                JobRecord job = store.get(id).orElseThrow().value();
                assertThat(job.state()).isEqualTo(JobState.QUEUED);
                assertThat(entriesByJob.remove(id)).as("lane entries of %s", id).isEqualTo(1);
                waitingByUser.merge(job.user(), 1, Integer::sum);
            }
            assertThat(entriesByJob).as("entries without a job").isEmpty();
            for (int i = 0; i < USERS; i++) {
                Account account = new AccountStore(zk).require("fuzz-" + i).value();
                assertThat(account.waiting()).as("fuzz-%d waiting", i).isEqualTo(waitingByUser.getOrDefault("fuzz-" + i, 0));
                assertThat(account.running()).isZero();
            }
            System.out.printf("api-fuzz: %d generated requests, %d jobs accepted, no 5xx, nothing half-written%n",
                    TRIED.get(), waitingByUser.values().stream().mapToInt(Integer::intValue).sum());
        } finally {
            zk.close();
            cluster.close();
        }
    }

    @Property(tries = 400)
    void anyPromptIsAcceptedOrRefusedInWords(@ForAll("prompts") String prompt, @ForAll("users") int user)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("prompt", prompt);
        answeredInWords(send("POST", "/v1/imagine", JSON.writeValueAsString(body), keys[user], null));
    }

    @Property(tries = 400)
    void anyBodyIsAcceptedOrRefusedInWords(@ForAll("bodies") String body, @ForAll("users") int user,
                                           @ForAll("idempotencyKeys") String idempotencyKey) throws Exception {
        answeredInWords(send("POST", "/v1/imagine", body, keys[user], idempotencyKey));
    }

    @Property(tries = 300)
    void anyPathQueryAndKeyIsAnsweredInWords(@ForAll("methods") String method, @ForAll("paths") String path,
                                             @ForAll("authorizations") String authorization) throws Exception {
        answeredInWords(send(method, path, method.equals("POST") ? "{}" : null, authorization, null));
    }

    private static HttpResponse<String> send(String method, String path, String body, String key, String idempotencyKey)
            throws Exception {
        TRIED.incrementAndGet();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.apiUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", key.startsWith("imk_") ? "Bearer " + key : key);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        // A connection of its own: Jetty closes one after a message it refused (saying so), and the JDK client may
        // still hand that connection to the next request, which then looks unanswered.
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("no answer to " + method + " " + path + " (key " + key + ", body " + body + "): " + e, e);
        }
    }

    private static void answeredInWords(HttpResponse<String> reply) throws Exception {
        String what = reply.request().method() + " " + reply.request().uri() + " -> " + reply.statusCode() + " " + reply.body();
        assertThat(reply.statusCode()).as(what).isLessThan(500);
        assertThat(reply.body()).as(what).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
        if (reply.statusCode() >= 400) {
            JsonNode error;
            try {
                error = JSON.readTree(reply.body());
            } catch (java.io.IOException notJson) {
                throw new AssertionError("not a JSON refusal: " + what, notJson);
            }
            assertThat(error.path("code").asInt()).as(what).isEqualTo(reply.statusCode());
            assertThat(error.path("message").asText()).as(what).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Integer> users() {
        return Arbitraries.integers().between(0, USERS - 1);
    }

    @Provide
    Arbitrary<String> prompts() {
        Arbitrary<String> words = Arbitraries.of("a", "red", "fox", "in", "snow", "—", "🦊", "naïve", "--", "---", "::",
                "--ar", "--v", "--seed", "--q", "--s", "--stylize", "--c", "--chaos", "--no", "--turbo", "--fast",
                "--relax", "--niji", "-ar", "16:9", "0:0", "1:0", "99999:1", "-1", "0", "1", "2", "6", "8", "9.5", "NaN",
                "1e309", "18446744073709551616", "-9223372036854775808", "0.25", "a:b", ":", "\"", "\\", "%s", "{}");
        Arbitrary<String> built = words.list().ofMinSize(0).ofMaxSize(14).map(parts -> String.join(" ", parts));
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(200);
        Arbitrary<String> controls = Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(5)
                .flatMap(c -> built.map(b -> b + c));
        Arbitrary<String> huge = Arbitraries.strings().alpha().ofMinLength(2_000).ofMaxLength(20_000);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, built), net.jqwik.api.Tuple.of(3, anything),
                net.jqwik.api.Tuple.of(1, controls), net.jqwik.api.Tuple.of(1, huge));
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) null),
                Arbitraries.strings().ofMaxLength(5).list().ofMaxSize(3).map(l -> (Object) l),
                Arbitraries.just((Object) Map.of("nested", 1)));
        Arbitrary<String> fields = Arbitraries.of("prompt", "mode", "user", "seed", "callbackUrl", "promt", "", "Prompt",
                "negativePrompt", "id");
        Arbitrary<String> objects = Combinators.combine(fields, values).as((f, v) -> new java.util.AbstractMap.SimpleEntry<>(f, v)).list().ofMaxSize(4)
                .map(entries -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    entries.forEach(e -> body.put(e.getKey(), e.getValue()));
                    try {
                        return JSON.writeValueAsString(body);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        Arbitrary<String> broken = objects.flatMap(json -> Arbitraries.integers().between(0, json.length())
                .map(cut -> json.substring(0, cut)));
        Arbitrary<String> odd = Arbitraries.of("", "null", "[]", "[{\"prompt\":\"a fox\"}]", "\"a fox\"", "42",
                "{\"prompt\": \"a fox\", \"prompt\": \"twice\"}", "{\"prompt\": \"a fox\"} trailing", "{'prompt': 'a'}",
                "\u0000", "{\"prompt\": \"\\ud800\"}", "{\"prompt\": {\"$gt\": 1}}");
        return Arbitraries.oneOf(objects, broken, odd, Arbitraries.strings().all().ofMaxLength(100));
    }

    @Provide
    Arbitrary<String> idempotencyKeys() {
        return Arbitraries.oneOf(Arbitraries.just((String) null), Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(300)
                .filter(s -> s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "DELETE", "POST", "PUT", "PATCH", "OPTIONS");
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.of("..", ".", "%00", "mx5ecfb6-7uhchhlr", "a".repeat(300), "../../etc/passwd", "~busy"));
        Arbitrary<String> suffix = Arbitraries.of("", "/grid.png", "/preview.png", "/", "/events", "/actions");
        Arbitrary<String> query = Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().all().ofMaxLength(40)
                .map(q -> "?" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(q, StandardCharsets.UTF_8)));
        Arbitrary<String> jobs = Combinators.combine(segment, suffix, query).as((s, x, q) ->
                "/v1/jobs/" + URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20") + x + q);
        Arbitrary<String> fixed = Combinators.combine(Arbitraries.of("/v1/me", "/v1/health", "/v1/imagine", "/v1/jobs",
                "/v1", "/", "/v2/imagine", "/v1/users"), query).as((p, q) -> p + q);
        return Arbitraries.oneOf(jobs, fixed);
    }

    @Provide
    Arbitrary<String> authorizations() {
        return Arbitraries.oneOf(users().map(i -> keys[i]), Arbitraries.just((String) null),
                Arbitraries.of("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer imk_" + "0".repeat(64), "imk_x"),
                Arbitraries.strings().ascii().ofMaxLength(60).filter(s -> s.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                        .map(s -> "Bearer " + s));
    }

}
