package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.kernels.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts, keys and plan limits against the real system: ZooKeeper, Helix controller and dispatcher, one
 * participant, the Dropwizard API, all over HTTP as a client would see them.
 */
class AccountsAndLimitsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");

    @TempDir
    static Path var;
    static SchedulerCluster system;
    final List<TestApi.Job> submitted = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        system = new SchedulerCluster(var, 1, ModelPreset.TINY, SchedulerSettings.DEFAULTS.withMaxRelaxDepth(5));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** Each test leaves the lanes empty and the slots serving. */
    @AfterEach
    void drain() throws Exception {
        for (TestApi.Job job : submitted) {
            job.api().delete("/v1/jobs/" + job.id());
        }
        system.releaseSlots();
    }

    private String submit(TestApi api, String prompt) throws Exception {
        String id = api.submit(prompt);
        submitted.add(new TestApi.Job(api, id));
        return id;
    }

    @Test
    void everyCallButHealthNeedsAValidKey() throws Exception {
        TestApi nobody = system.anonymous();
        TestApi.Reply missing = nobody.postRaw("/v1/imagine", "{\"prompt\": \"a fox\"}");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().path("message").asText()).contains("Authorization: Bearer <key>");
        assertThat(nobody.get("/v1/me").status()).isEqualTo(401);
        assertThat(nobody.get("/v1/jobs/abc-def").status()).isEqualTo(401);
        assertThat(nobody.as("imk_" + "0".repeat(64)).get("/v1/me").status()).isEqualTo(401);
        assertThat(nobody.as("not a key").get("/v1/me").json().path("message").asText()).contains("not valid");
        assertThat(nobody.get("/v1/health").status()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyStopsWorkingAtOnce() throws Exception {
        TestApi kim = system.user("kim", Plan.STANDARD);
        assertThat(kim.get("/v1/me").status()).isEqualTo(200);
        String keyId = system.account("kim").keys().get(0).id();

        system.accounts.revokeKey("kim", keyId);

        assertThat(kim.get("/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aUserSeesOnlyTheirOwnJobs() throws Exception {
        TestApi ann = system.user("ann", Plan.PRO);
        TestApi bob = system.user("bob", Plan.PRO);
        String id = submit(ann, "a red fox --seed 1");

        assertThat(bob.get("/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(bob.get("/v1/jobs/" + id + "/grid.png").status()).isEqualTo(404);
        assertThat(bob.delete("/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(ann.awaitState(id, DONE, TIMEOUT).path("state").asText()).isEqualTo("COMPLETED");
        assertThat(ann.get("/v1/jobs/" + id + "/grid.png").status()).isEqualTo(200);
        assertThat(bob.get("/v1/jobs/" + id + "/grid.png").status()).isEqualTo(404);
        // The submitter is the key's user; a body naming someone else is refused.
        TestApi.Reply spoof = bob.postRaw("/v1/imagine", "{\"prompt\": \"a fox\", \"user\": \"ann\"}");
        assertThat(spoof.status()).isEqualTo(400);
        assertThat(spoof.json().path("message").asText()).contains("unknown field 'user'");
    }

    @Test
    void theEleventhWaitingJobIsA429AndNothingIsQueued() throws Exception {
        system.holdSlots();
        TestApi cam = system.user("cam", Plan.MEGA);
        for (int i = 0; i < 10; i++) {
            submit(cam, "a lighthouse --seed " + i);
        }
        int depth = new JobStore(system.zk).laneDepth(Lane.FAST);

        TestApi.Reply refused = cam.postRaw("/v1/imagine", "{\"prompt\": \"one too many\"}");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(refused.json().path("field").asText()).isEqualTo("waiting");
        assertThat(refused.json().path("message").asText()).contains("10 jobs waiting, the most the mega plan allows");
        assertThat(new JobStore(system.zk).laneDepth(Lane.FAST)).isEqualTo(depth);
        assertThat(system.account("cam").waiting()).isEqualTo(10);
        // Cancelling one makes room for one.
        assertThat(cam.delete("/v1/jobs/" + submitted.get(0).id()).json().path("state").asText()).isEqualTo("CANCELLED");
        assertThat(system.account("cam").waiting()).isEqualTo(9);
        submit(cam, "now there is room");
        assertThat(system.account("cam").waiting()).isEqualTo(10);
    }

    @Test
    void limitsHoldExactlyWithTwoApiInstancesSubmittingAtOnce() throws Exception {
        system.holdSlots();
        TestApi first = system.user("con", Plan.PRO);
        try (SecondApi second = SecondApi.start(var.resolve("api.yml"))) {
            TestApi other = second.api(first);
            List<Thread> threads = new ArrayList<>();
            List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                TestApi api = t % 2 == 0 ? first : other;
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 3; i++) {
                        try {
                            TestApi.Reply reply = api.postRaw("/v1/imagine",
                                    "{\"prompt\": \"race " + thread + "-" + i + "\"}");
                            statuses.add(reply.status());
                            if (reply.status() == 202) {
                                submitted.add(new TestApi.Job(first, reply.json().path("id").asText()));
                            }
                        } catch (Exception e) {
                            statuses.add(-1);
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(statuses).hasSize(24);
            assertThat(statuses.stream().filter(s -> s == 202).count()).isEqualTo(10);
            assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(14);
            assertThat(system.account("con").waiting()).isEqualTo(10);
            long entries = new JobStore(system.zk).laneEntries(Lane.FAST).stream()
                    .filter(e -> "con".equals(e.user())).count();
            assertThat(entries).isEqualTo(10);
        }
    }

    @Test
    void withFastTimeUsedUpAStandardUsersJobGoesToRelaxAndABasicUserIsRefused() throws Exception {
        TestApi stan = system.user("stan", Plan.STANDARD);
        TestApi basil = system.user("basil", Plan.BASIC);
        system.exhaustFastTime("stan");
        system.exhaustFastTime("basil");

        TestApi.Reply moved = stan.postRaw("/v1/imagine", "{\"prompt\": \"a fox --turbo\"}");
        assertThat(moved.status()).isEqualTo(202);
        assertThat(moved.json().path("lane").asText()).isEqualTo("relax");
        String id = moved.json().path("id").asText();
        submitted.add(new TestApi.Job(stan, id));
        JsonNode job = stan.job(id);
        assertThat(job.path("lane").asText()).isEqualTo("relax");
        assertThat(job.path("note").asText()).isEqualTo("Fast time used up this month: moved from turbo to relax");

        TestApi.Reply refused = basil.postRaw("/v1/imagine", "{\"prompt\": \"a fox\"}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("field").asText()).isEqualTo("fast-time");
        assertThat(refused.json().path("message").asText()).contains("Fast time for this month (3.3 h on the basic plan) is used up");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(system.account("basil").waiting()).isZero();
    }

    @Test
    void relaxIsNotPartOfTheBasicPlan() throws Exception {
        TestApi bea = system.user("bea", Plan.BASIC);

        TestApi.Reply refused = bea.postRaw("/v1/imagine", "{\"prompt\": \"a fox --relax\"}");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("message").asText()).contains("Relax mode is not part of the basic plan");
    }

    @Test
    void aboveTheRelaxDepthNewRelaxJobsAreRefused() throws Exception {
        system.holdSlots();
        TestApi rex = system.user("rex", Plan.PRO);
        TestApi rio = system.user("rio", Plan.PRO);
        for (int i = 0; i < 5; i++) {
            submit(rex, "a meadow --relax --seed " + i);
        }

        TestApi.Reply refused = rio.postRaw("/v1/imagine", "{\"prompt\": \"a meadow --relax\"}");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("field").asText()).isEqualTo("relax-depth");
        assertThat(refused.header("Retry-After")).isEqualTo("60");
        // Fast still takes jobs.
        submit(rio, "a meadow --fast");
    }

    @Test
    void meShowsPlanFastTimeAndJobs() throws Exception {
        system.holdSlots();
        TestApi mia = system.user("mia", Plan.PRO);
        submit(mia, "a harbour");
        submit(mia, "a harbour at night");

        JsonNode me = mia.get("/v1/me").json();

        assertThat(me.path("user").asText()).isEqualTo("mia");
        assertThat(me.path("plan").asText()).isEqualTo("pro");
        assertThat(me.path("waiting").asInt()).isEqualTo(2);
        assertThat(me.path("running").asInt()).isZero();
        assertThat(me.path("fastMillisUsed").asLong()).isZero();
        assertThat(me.path("fastMillisLeft").asLong()).isEqualTo(Duration.ofHours(30).toMillis());
        assertThat(me.path("maxRunning").asInt()).isEqualTo(12);
    }

    @Test
    void aWaitingJobShowsItsPositionAndEstimatedStart() throws Exception {
        system.holdSlots();
        TestApi pam = system.user("pam", Plan.PRO);
        TestApi pat = system.user("pat", Plan.PRO);
        String pam1 = submit(pam, "first");
        String pam2 = submit(pam, "second");
        String pat1 = submit(pat, "third");
        String turbo = submit(pat, "fourth --turbo");

        JsonNode a = pam.job(pam1);
        JsonNode b = pam.job(pam2);
        JsonNode c = pat.job(pat1);
        JsonNode t = pat.job(turbo);

        // Turbo first; then the fair order: pam's first, then pat's (one each), then pam's second.
        assertThat(t.path("position").asInt()).isZero();
        assertThat(a.path("position").asInt()).isEqualTo(1);
        assertThat(c.path("position").asInt()).isEqualTo(2);
        assertThat(b.path("position").asInt()).isEqualTo(3);
        assertThat(b.path("lanePosition").asInt()).isEqualTo(2);
        assertThat(t.path("lanePosition").asInt()).isZero();
        assertThat(a.path("estimatedStartMillis").asLong()).isLessThanOrEqualTo(c.path("estimatedStartMillis").asLong());
        assertThat(c.path("estimatedStartMillis").asLong()).isLessThanOrEqualTo(b.path("estimatedStartMillis").asLong());
    }

    @Test
    void countersFollowJobsToTheEndAndFastTimeIsCharged() throws Exception {
        TestApi fay = system.user("fay", Plan.STANDARD);
        String fast = submit(fay, "a fox --fast --seed 3");
        String turbo = submit(fay, "a fox --turbo --seed 3");
        String relax = submit(fay, "a fox --relax --seed 3");
        long charged = 0;
        for (String id : List.of(fast, turbo, relax)) {
            JsonNode done = fay.awaitState(id, DONE, TIMEOUT);
            assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
            long gpu = done.path("gpuMillis").asLong();
            long multiple = switch (done.path("lane").asText()) {
                case "turbo" -> 2;
                case "fast" -> 1;
                default -> 0;
            };
            assertThat(done.path("chargedFastMillis").asLong()).isEqualTo(multiple * gpu);
            charged += done.path("chargedFastMillis").asLong();
        }
        var account = system.account("fay");
        assertThat(account.running()).isZero();
        assertThat(account.waiting()).isZero();
        assertThat(account.fastMillisUsed(System.currentTimeMillis())).isEqualTo(charged);
        assertThat(fay.get("/v1/me").json().path("fastMillisUsed").asLong()).isEqualTo(charged);
    }

    @Test
    void anIdempotencyKeyMakesOneJobEvenFromTwoApiInstancesAtOnce() throws Exception {
        system.holdSlots();
        TestApi ida = system.user("ida", Plan.PRO);
        String body = "{\"prompt\": \"a red fox --seed 4\"}";

        TestApi.Reply first = ida.postRaw("/v1/imagine", body, "Idempotency-Key", "order-1");
        TestApi.Reply again = ida.postRaw("/v1/imagine", body, "Idempotency-Key", "order-1");

        assertThat(first.status()).isEqualTo(202);
        submitted.add(new TestApi.Job(ida, first.json().path("id").asText()));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(system.account("ida").waiting()).isEqualTo(1);
        // The same key for another request is refused; a bad key is a 400; another user's same key is theirs.
        TestApi.Reply other = ida.postRaw("/v1/imagine", "{\"prompt\": \"an owl\"}", "Idempotency-Key", "order-1");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("message").asText()).contains("already used within 24 h for a different request");
        assertThat(ida.postRaw("/v1/imagine", body, "Idempotency-Key", "has space").status()).isEqualTo(400);
        TestApi ivo = system.user("ivo", Plan.PRO);
        TestApi.Reply theirs = ivo.postRaw("/v1/imagine", body, "Idempotency-Key", "order-1");
        assertThat(theirs.status()).isEqualTo(202);
        submitted.add(new TestApi.Job(ivo, theirs.json().path("id").asText()));

        // Eight clients retrying one request at once, through two API instances: one job.
        try (SecondApi second = SecondApi.start(var.resolve("api.yml"))) {
            TestApi elsewhere = second.api(ida);
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                TestApi api = t % 2 == 0 ? ida : elsewhere;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        ids.add(api.postRaw("/v1/imagine", body, "Idempotency-Key", "order-2").json().path("id").asText());
                    } catch (Exception e) {
                        ids.add("error: " + e);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(ids).hasSize(8);
            assertThat(java.util.Set.copyOf(ids)).hasSize(1);
            submitted.add(new TestApi.Job(ida, ids.get(0)));
            assertThat(system.account("ida").waiting()).isEqualTo(2);
        }
    }

    @Test
    void cancellingAFinishedJobIsA409() throws Exception {
        TestApi cid = system.user("cid", Plan.PRO);
        String id = submit(cid, "a fox");
        cid.awaitState(id, DONE, TIMEOUT);

        TestApi.Reply reply = cid.delete("/v1/jobs/" + id);

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().path("message").asText()).contains("already COMPLETED");
    }
}
