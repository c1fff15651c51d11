package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.FailureSettings;
import dev.imagine.core.job.JobState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that fails on every slot goes, after three attempts, to the dead-letter queue with its whole context; the
 * operator lists, shows, replays (it completes once the devices are mended) or drops it, and the admin port
 * reports the queue's depth.
 */
class DeadLetterTest {
    @TempDir
    Path var;

    @Test
    void aJobThatFailsEverywhereIsDeadLetteredAndCanBeReplayedOrDropped() throws Exception {
        // A high breaker threshold: this test is about the job, not about the slots being taken out.
        try (FaultyCluster system = new FaultyCluster(var, FailureSettings.DEFAULTS
                .withBreaker(50, Duration.ofMinutes(10), Duration.ofSeconds(30)))) {
            TestApi dee = system.user("dee");
            String zk = system.cluster.zkAddress();
            system.slotNames().forEach(slot -> system.faults(slot).error());

            String id = dee.submit("an unlucky cat --seed 13");
            JsonNode failed = dee.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60));

            assertThat(failed.path("state").asText()).isEqualTo("FAILED");
            assertThat(failed.path("error").asText()).contains("gave up after 3 attempts").contains("kernel error");
            JsonNode letters = TestApi.JSON.readTree(CliRun.run("dlq", "list", "--json", "--zk", zk).out());
            assertThat(letters).hasSize(1);
            JsonNode letter = letters.get(0);
            assertThat(letter.path("jobId").asText()).isEqualTo(id);
            assertThat(letter.path("job").path("spec").path("seed").asLong()).isEqualTo(13);
            assertThat(letter.path("job").path("history")).hasSize(3);
            // Retried elsewhere: the second attempt avoided the first one's slot.
            assertThat(letter.path("job").path("history").get(1).path("slot").asText())
                    .isNotEqualTo(letter.path("job").path("history").get(0).path("slot").asText());
            for (JsonNode attempt : letter.path("job").path("history")) {
                assertThat(attempt.path("outcome").asText()).contains("injected device error");
                assertThat(attempt.path("endedAtMillis").asLong()).isPositive();
            }
            CliRun shown = CliRun.run("dlq", "show", id, "--zk", zk);
            assertThat(shown.out()).contains("an unlucky cat").contains("attempt 1 on").contains("attempt 3 on")
                    .contains("injected device error");
            assertThat(adminHealth(system)).contains("\"dead-letters\"").contains("1 dead letter(s)");

            system.slotNames().forEach(slot -> system.faults(slot).heal());
            CliRun replay = CliRun.run("dlq", "replay", id, "--zk", zk);
            assertThat(replay.exitCode()).as(replay.err()).isZero();
            JsonNode done = dee.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60));
            assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(done.path("attempts").asInt()).isEqualTo(1);
            assertThat(CliRun.run("dlq", "list", "--zk", zk).out()).contains("No dead letters.");
            assertThat(CliRun.run("dlq", "replay", id, "--zk", zk).err()).contains("no dead letter for job '" + id + "'");

            system.slotNames().forEach(slot -> system.faults(slot).error());
            String second = dee.submit("another unlucky cat --seed 14");
            dee.awaitState(second, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60));
            CliRun dropped = CliRun.run("dlq", "drop", second, "--zk", zk);
            assertThat(dropped.exitCode()).as(dropped.err()).isZero();
            assertThat(CliRun.run("dlq", "list", "--zk", zk).out()).contains("No dead letters.");
            assertThat(system.record(second).state()).isEqualTo(JobState.FAILED);
            assertThat(adminHealth(system)).contains("no dead letters");
            // The counters came back: nothing of dee's is waiting or running.
            assertThat(new dev.imagine.core.account.AccountStore(system.zk).require("dee").value().running()).isZero();
        }
    }

    private static String adminHealth(FaultyCluster system) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(system.cluster.adminUrl() + "/healthcheck")).build(),
                HttpResponse.BodyHandlers.ofString());
        return reply.body();
    }
}
