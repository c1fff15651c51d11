package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequence-parallel gangs on the real system: participants in their own JVMs, each with one slot and its own Netty
 * tensor endpoint, a dispatcher that reserves a Turbo job's two slots in one transaction, and ranks that exchange
 * Arrow frames over loopback. The grid is the single-slot grid byte for byte; a rank killed mid-job sends the job
 * to a new gang, and it still gives the same bytes.
 */
class GangTest {
    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");

    @TempDir
    Path var;
    LocalCluster cluster;
    List<ParticipantProcess> workers = new ArrayList<>();
    TestApi api;

    @AfterEach
    void stop() throws Exception {
        for (ParticipantProcess worker : workers) {
            worker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(int participants) throws Exception {
        start(participants, Duration.ofSeconds(3));
    }

    private void start(int participants, Duration session) throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 1, ModelPreset.SMALL, "v8",
                Duration.ofSeconds(3))).withScheduler(SchedulerSettings.DEFAULTS.withTurboRanks(2)).start();
        Path logs = Path.of("target", "worker-logs", "gang-" + System.currentTimeMillis());
        for (int i = 1; i <= participants; i++) {
            workers.add(ParticipantProcess.start(cluster.zkAddress(), LocalClusterConfig.CLUSTER, "rank-" + i,
                    LocalClusterConfig.POOL, "small", var.resolve("images"), logs, session));
        }
        try {
            cluster.awaitReady(participants, Duration.ofSeconds(90));
        } catch (IllegalStateException notReady) {
            throw new AssertionError(notReady.getMessage() + logsOf(), notReady);
        }
        api = new TestApi(cluster.apiUrl(), cluster.devApiKey());
    }

    private String logsOf() throws Exception {
        StringBuilder all = new StringBuilder();
        for (ParticipantProcess w : workers) {
            all.append("\n").append(w.instance()).append(":\n").append(w.log());
        }
        return all.toString();
    }

    /** The participant holding rank 1 of the running job's gang. */
    private ParticipantProcess rankOne(JsonNode running) {
        String slot = running.path("gang").get(1).asText();
        return workers.stream().filter(w -> slot.contains(w.instance())).findFirst().orElseThrow();
    }

    private static byte[] alone(String prompt, long seed, int aw, int ah, double quality) {
        return ModelRegistry.load("v8", ModelPreset.SMALL).generate(
                new GenerationRequest(prompt, "", seed, aw, ah, quality, 100, 0), ProgressListener.NONE,
                new CancellationToken()).png();
    }

    private JsonNode awaitEnd(String id) throws Exception {
        try {
            return api.awaitState(id, ENDED, Duration.ofSeconds(150));
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + logsOf(), timedOut);
        }
    }

    @Test
    void aTurboJobRendersOnAGangOfTwoAndGivesTheSingleSlotBytes() throws Exception {
        start(2);
        String gang = api.submit("a red fox in snow --ar 3:2 --seed 7 --q 0.5 --turbo");
        JsonNode done = awaitEnd(gang);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("ranks").asInt()).isEqualTo(2);
        List<String> slots = new ArrayList<>();
        done.path("gang").forEach(s -> slots.add(s.asText()));
        assertThat(slots).hasSize(2).doesNotHaveDuplicates().first().isEqualTo(done.path("slot").asText());

        String single = api.submit("a red fox in snow --ar 3:2 --seed 7 --q 0.5 --fast");
        JsonNode one = awaitEnd(single);
        assertThat(one.path("ranks").asInt()).isEqualTo(1);
        assertThat(one.has("gang")).isFalse();

        byte[] expected = alone("a red fox in snow", 7, 3, 2, 0.5);
        assertThat(api.grid(gang)).isEqualTo(api.grid(single)).isEqualTo(expected);
    }

    @Test
    void aRankKilledMidJobSendsTheJobToANewGangWithTheSameBytes() throws Exception {
        start(3);
        String id = api.submit("a lighthouse at dusk --seed 11 --q 2 --turbo");
        JsonNode running = api.awaitStep(id, 2, Duration.ofSeconds(120));
        assertThat(running.path("ranks").asInt()).isEqualTo(2);
        ParticipantProcess follower = rankOne(running);
        long killedAt = System.nanoTime();
        follower.kill();

        JsonNode done = awaitEnd(id);
        long recoveredMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        Set<String> newGang = new HashSet<>();
        done.path("gang").forEach(s -> newGang.add(s.asText()));
        newGang.add(done.path("slot").asText());
        assertThat(newGang).noneMatch(s -> s.contains(follower.instance()));
        System.out.printf("gang: rank 1 (%s) killed at step %d; job %s completed on %s (ranks %d) %d ms later%n",
                follower.instance(), running.path("step").asInt(), id, newGang, done.path("ranks").asInt(), recoveredMillis);
        assertThat(api.grid(id)).isEqualTo(alone("a lighthouse at dusk", 11, 1, 1, 2));
    }

    @Test
    void aRankThatStopsAnsweringIsTimedOutAndTheJobCompletesWithoutIt() throws Exception {
        // a 30 s ZooKeeper session: the paused rank keeps its session and its connections, it only stops answering
        start(3, Duration.ofSeconds(30));
        String id = api.submit("a lighthouse at dusk --seed 12 --q 2 --turbo");
        JsonNode running = api.awaitStep(id, 2, Duration.ofSeconds(120));
        assertThat(running.path("ranks").asInt()).isEqualTo(2);
        ParticipantProcess follower = rankOne(running);
        long pausedAt = System.nanoTime();
        Thread pause = Thread.ofPlatform().start(() -> {
            try {
                follower.pause(Duration.ofSeconds(12)); // past the test's 8 s gang timeout
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode done = awaitEnd(id);
        long recoveredMillis = (System.nanoTime() - pausedAt) / 1_000_000;
        pause.join();
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(api.grid(id)).isEqualTo(alone("a lighthouse at dusk", 12, 1, 1, 2));
        System.out.printf("gang: rank 1 (%s) paused at step %d; job %s completed %d ms later in attempt %d%n",
                follower.instance(), running.path("step").asInt(), id, recoveredMillis, done.path("attempts").asInt());
    }

    @Test
    void turboJobsCompetingForSlotsAllFinishAndNoneWaitsForAGang() throws Exception {
        start(3);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.submit("a quiet harbour --seed " + (30 + i) + " --q 0.5 --turbo"));
        }
        int ganged = 0;
        for (String id : ids) {
            JsonNode done = awaitEnd(id);
            assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("COMPLETED");
            ganged += done.path("ranks").asInt() > 1 ? 1 : 0;
        }
        assertThat(ganged).isPositive();
    }
}
