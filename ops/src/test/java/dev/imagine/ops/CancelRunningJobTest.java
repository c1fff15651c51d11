package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.account.Plan;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.participant.faults.KernelFaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code DELETE /v1/jobs/{id}} of a running job: it stops at its next step and its slot serves the next job. */
class CancelRunningJobTest {
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");

    @TempDir
    Path var;

    @Test
    void aCancelledRunningJobStopsAndFreesItsSlot() throws Exception {
        KernelFaults slowed = new KernelFaults();
        try (SchedulerCluster system = new SchedulerCluster(var, 1, ModelPreset.SMALL, SchedulerSettings.DEFAULTS, slowed)) {
            TestApi cal = system.user("cal", Plan.PRO);
            // Slowed kernels (~5 s a job): the cancel surely lands mid-run, whatever this machine's speed.
            slowed.slow(3);
            String id = cal.submit("a red fox in snow --q 2 --seed 5");
            JsonNode running = cal.awaitStep(id, 2, Duration.ofSeconds(60));

            TestApi.Reply cancelled = cal.delete("/v1/jobs/" + id);
            slowed.heal();

            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.json().path("state").asText()).isEqualTo("CANCELLED");
            String next = cal.submit("an owl --seed 6");
            assertThat(cal.awaitState(next, DONE, Duration.ofSeconds(60)).path("state").asText()).isEqualTo("COMPLETED");
            JsonNode after = cal.job(id);
            assertThat(after.path("state").asText()).isEqualTo("CANCELLED");
            assertThat(after.path("step").asInt()).isLessThan(after.path("totalSteps").asInt());
            assertThat(after.path("step").asInt()).isGreaterThanOrEqualTo(running.path("step").asInt());
            assertThat(cal.get("/v1/jobs/" + id + "/grid.png").status()).isEqualTo(409);
            assertThat(system.account("cal").running()).isZero();
            assertThat(system.account("cal").fastMillisUsed(System.currentTimeMillis()))
                    .isEqualTo(cal.job(next).path("chargedFastMillis").asLong());
        }
    }
}
