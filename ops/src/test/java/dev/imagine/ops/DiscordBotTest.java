package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.api.discord.DiscordEntry;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.HistorySettings;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Discord bot on the real system, against a fake Discord on loopback, with interactions signed by a real Ed25519
 * key pair and shaped as Discord's documentation shows them.
 */
class DiscordBotTest {
    private static final String APP = "1100000000000000001";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path var;
    static LocalCluster cluster;
    static FakeDiscord discord;
    static PrivateKey signer;
    static CuratorFramework zk;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        signer = pair.getPrivate();
        byte[] x509 = pair.getPublic().getEncoded();
        String publicHex = HexFormat.of().formatHex(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
        discord = new FakeDiscord();
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 1, 2, ModelPreset.TINY, "v8",
                Duration.ofSeconds(3))).withHistory(HistorySettings.EMBEDDED)
                .withDiscord(publicHex, APP, "bot-token-1", discord.base()).start();
        cluster.awaitReady(2, Duration.ofSeconds(90));
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (zk != null) {
            zk.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (discord != null) {
            discord.close();
        }
    }

    private static HttpResponse<String> post(String body, String signatureHex, String timestamp) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/discord/interactions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (signatureHex != null) {
            request.header("X-Signature-Ed25519", signatureHex);
        }
        if (timestamp != null) {
            request.header("X-Signature-Timestamp", timestamp);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> signed(String body) throws Exception {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(signer);
        s.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
        return post(body, HexFormat.of().formatHex(s.sign()), timestamp);
    }

    private static String command(String id, String token, String user, String prompt) {
        return """
                {"id": "%s", "application_id": "%s", "type": 2, "token": "%s", "version": 1, "channel_id": "c-77",
                 "guild_id": "g-1", "member": {"user": {"id": "%s", "username": "fox"}},
                 "data": {"id": "cmd-1", "name": "imagine", "type": 1,
                          "options": [{"name": "prompt", "type": 3, "value": "%s"}]}}""".formatted(id, APP, token, user, prompt);
    }

    @Test
    void signaturesAreCheckedAndAPingIsAPong() throws Exception {
        String ping = "{\"id\": \"p1\", \"application_id\": \"" + APP + "\", \"type\": 1, \"token\": \"t\", \"version\": 1}";
        assertThat(post(ping, null, null).statusCode()).isEqualTo(401);
        assertThat(post(ping, "zz-not-hex", "1").statusCode()).isEqualTo(401);
        assertThat(post(ping, "00".repeat(64), "1").statusCode()).isEqualTo(401);
        HttpResponse<String> tampered = post(ping.replace("p1", "p2"), signature(ping, "1700000000"), "1700000000");
        assertThat(tampered.statusCode()).isEqualTo(401);
        HttpResponse<String> pong = signed(ping);
        assertThat(pong.statusCode()).isEqualTo(200);
        assertThat(TestApi.JSON.readTree(pong.body()).path("type").asInt()).isEqualTo(1);
    }

    private static String signature(String body, String timestamp) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(signer);
        s.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(s.sign());
    }

    @Test
    void imagineIsDeferredThenTheGridArrivesWithButtonsThroughA429AndA502() throws Exception {
        discord.script("a red fox in snow --seed 3** - <@42> (fast)", 429,
                "{\"message\": \"You are being rate limited.\", \"retry_after\": 0.4, \"global\": false}");
        discord.script("a red fox in snow --seed 3** - <@42> (fast)", 502, "{\"message\": \"bad gateway\"}");
        long start = System.nanoTime();
        HttpResponse<String> deferred = signed(command("i-100", "tok-a", "42", "a red fox in snow --seed 3"));
        long answeredMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(deferred.statusCode()).isEqualTo(200);
        assertThat(TestApi.JSON.readTree(deferred.body()).path("type").asInt()).isEqualTo(5);
        assertThat(answeredMillis).as("the deferral must beat Discord's 3 s").isLessThan(3_000);

        FakeDiscord.Call grid = await(c -> c.method().equals("PATCH") && c.path().equals("/webhooks/" + APP
                + "/tok-a/messages/@original") && c.text().contains("grid.png") && c.text().contains("\"components\""));
        assertThat(grid.contentType()).startsWith("multipart/form-data");
        assertThat(grid.text()).contains("name=\"payload_json\"", "name=\"files[0]\"", "\u0089PNG");
        List<String> ids = customIds(grid.text());
        assertThat(ids).hasSize(9).allMatch(id -> id.length() <= 100);
        assertThat(ids).anyMatch(id -> id.startsWith("imagine:upscale:1:")).anyMatch(id -> id.startsWith("imagine:reroll:0:"))
                .anyMatch(id -> id.startsWith("imagine:variation:4:"));
        // answered 429, then 502, then delivered: the 429's retry_after was waited out, and the entry goes once delivered
        Predicate<FakeDiscord.Call> isFinal = c -> c.path().endsWith("/tok-a/messages/@original")
                && c.text().contains("\"components\"");
        awaitCount(isFinal, 3);
        List<FakeDiscord.Call> finals = discord.calls().stream().filter(isFinal).toList();
        assertThat(finals).hasSize(3);
        assertThat(finals.get(1).atNanos() - finals.get(0).atNanos()).isGreaterThanOrEqualTo(400_000_000L);
        assertThat(new AccountStore(zk).get("discord-42").orElseThrow().value().plan()).isEqualTo(Plan.BASIC);

        // a button: deferred update (type 6), then the upscale as a new follow-up message, the grid left as it is
        String jobId = ids.stream().filter(id -> id.startsWith("imagine:upscale:2:")).findFirst().orElseThrow()
                .substring("imagine:upscale:2:".length());
        String click = """
                {"id": "i-101", "application_id": "%s", "type": 3, "token": "tok-b", "version": 1, "channel_id": "c-77",
                 "member": {"user": {"id": "42"}}, "message": {"id": "m-1"},
                 "data": {"custom_id": "imagine:upscale:2:%s", "component_type": 2}}""".formatted(APP, jobId);
        HttpResponse<String> update = signed(click);
        assertThat(TestApi.JSON.readTree(update.body()).path("type").asInt()).isEqualTo(6);
        FakeDiscord.Call upscaled = await(c -> c.path().startsWith("/webhooks/" + APP + "/tok-b") && c.text().contains("image.png"));
        assertThat(upscaled.text()).contains("\u0089PNG");

        // someone else's grid: told, only to them
        String stranger = click.replace("\"42\"", "\"43\"").replace("i-101", "i-102").replace("tok-b", "tok-c");
        signed(stranger);
        FakeDiscord.Call told = await(c -> c.path().startsWith("/webhooks/" + APP + "/tok-c"));
        assertThat(told.text()).contains("only the person who asked").contains("\"flags\":64");
    }

    @Test
    void aRefusedPromptIsToldToTheUserAloneAndNeverQueued() throws Exception {
        signed(command("i-200", "tok-r", "44", "a fox, imagine moderation test"));
        FakeDiscord.Call told = await(c -> c.method().equals("POST") && c.path().startsWith("/webhooks/" + APP + "/tok-r"));
        JsonNode message = TestApi.JSON.readTree(told.body());
        assertThat(message.path("flags").asInt()).isEqualTo(64);
        assertThat(message.path("content").asText()).contains("category 'test'");
        await(c -> c.method().equals("DELETE") && c.path().equals("/webhooks/" + APP + "/tok-r/messages/@original"));
        assertThat(zk.getChildren().forPath("/discord")).noneMatch(id -> {
            try {
                return Json.read(zk.getData().forPath("/discord/" + id), DiscordEntry.class).token().equals("tok-r");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void pastTheTokensFifteenMinutesTheGridGoesToTheChannelWithTheBotToken() throws Exception {
        String user = "discord-45";
        String key = new AccountStore(zk).create(user, Plan.PRO, System.currentTimeMillis());
        TestApi api = new TestApi(cluster.apiUrl(), key);
        String id = api.submit("an old lighthouse --seed 8");
        api.awaitState(id, Set.of("COMPLETED"), WAIT);
        DiscordEntry stale = DiscordEntry.of("tok-old", "c-99", "45", "an old lighthouse", System.currentTimeMillis()
                - Duration.ofMinutes(20).toMillis(), null);
        zk.create().forPath("/discord/" + id, Json.write(stale));
        FakeDiscord.Call channel = await(c -> c.path().equals("/channels/c-99/messages"));
        assertThat(channel.method()).isEqualTo("POST");
        assertThat(channel.authorization()).isEqualTo("Bot bot-token-1");
        assertThat(channel.text()).contains("grid.png", "\u0089PNG");
        assertThat(discord.calls()).noneMatch(c -> c.path().contains("tok-old"));
    }

    @Test
    void registerMakesTheImagineCommand() throws Exception {
        CliRun run = CliRun.run("discord", "register", "--app-id", APP, "--bot-token", "bot-token-1", "--api-base",
                discord.base());
        assertThat(run.exitCode()).as(run.err()).isZero();
        FakeDiscord.Call register = await(c -> c.path().equals("/applications/" + APP + "/commands"));
        assertThat(register.authorization()).isEqualTo("Bot bot-token-1");
        JsonNode command = TestApi.JSON.readTree(register.body());
        assertThat(command.path("name").asText()).isEqualTo("imagine");
        assertThat(command.path("options").get(0).path("name").asText()).isEqualTo("prompt");
    }

    private static void awaitCount(Predicate<FakeDiscord.Call> wanted, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (discord.calls().stream().filter(wanted).count() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(discord.calls().stream().filter(wanted).count()).isGreaterThanOrEqualTo(count);
    }

    private static List<String> customIds(String text) {
        Matcher m = Pattern.compile("\"custom_id\":\"([^\"]+)\"").matcher(text);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static FakeDiscord.Call await(Predicate<FakeDiscord.Call> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (FakeDiscord.Call call : discord.calls()) {
                if (wanted.test(call)) {
                    return call;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such call to Discord; calls were: " + discord.calls().stream()
                .map(c -> c.method() + " " + c.path()).toList());
    }
}
