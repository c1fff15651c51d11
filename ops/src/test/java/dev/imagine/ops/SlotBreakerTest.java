package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.FailureSettings;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.zk.SlotBreaker;
import dev.imagine.core.zk.SlotBreakers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken slot does not turn the queue into failed jobs: each kernel error is retried on another slot, three
 * failures open the slot's circuit breaker (disabled in Helix, reported), its health checks fail while the device
 * is broken, and the first one that passes after the repair puts the slot back to work.
 */
class SlotBreakerTest {
    @TempDir
    Path var;

    @Test
    void kernelErrorsAreRetriedElsewhereAndTripTheBreakerUntilAHealthCheckPasses() throws Exception {
        try (FaultyCluster system = new FaultyCluster(var, FailureSettings.DEFAULTS
                .withBreaker(3, Duration.ofMinutes(10), Duration.ofSeconds(1)))) {
            TestApi bea = system.user("bea");
            system.faults(system.slotA).error();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(bea.submit("a broken lamp --seed " + i));
            }

            int retried = 0;
            for (String id : ids) {
                JsonNode done = bea.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(90));
                assertThat(done.path("state").asText()).as("job %s: %s", id, done).isEqualTo("COMPLETED");
                assertThat(done.path("slot").asText()).isEqualTo(system.slotB);
                JobRecord record = system.record(id);
                if (!record.history().isEmpty()) {
                    retried++;
                    assertThat(record.history()).allSatisfy(attempt -> {
                        assertThat(attempt.slot()).isEqualTo(system.slotA);
                        assertThat(attempt.outcome()).contains("kernel error").contains("injected device error");
                    });
                }
            }
            // Three failures trip it; a job dispatched in the same pass as the third may make a fourth, never more.
            assertThat(retried).isBetween(3, 4);

            SlotBreakers breakers = new SlotBreakers(system.zk);
            SlotBreaker open = breakers.get(system.slotA).orElseThrow().value();
            assertThat(open.failures()).hasSizeBetween(3, 4);
            assertThat(system.slot(system.slotA).enabled()).isFalse();
            assertThat(CliRun.run("slots", "list", "--zk", system.cluster.zkAddress()).out())
                    .contains("breaker-open");
            // Still broken: its health checks run and fail, and it stays out.
            FaultyCluster.await(Duration.ofSeconds(20), "a failed health check", () -> lastCheck(breakers, system.slotA)
                    .map(b -> b.lastCheckAtMillis() > 0 && !b.lastCheckPassed()).orElse(false));
            assertThat(system.slot(system.slotA).enabled()).isFalse();

            system.faults(system.slotA).heal();
            FaultyCluster.await(Duration.ofSeconds(30), "slot A back", () -> system.slot(system.slotA).enabled()
                    && system.slot(system.slotA).version() != null);
            assertThat(breakers.get(system.slotA)).isEmpty();
            assertThat(breakers.recentFailures(system.slotA, 0)).isEmpty();
            // And it takes work again: with B held, a new job runs on A.
            system.setEnabled(system.slotB, false);
            String after = bea.submit("a mended lamp --seed 99");
            assertThat(bea.awaitState(after, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60)).path("slot").asText())
                    .isEqualTo(system.slotA);
        }
    }

    private static Optional<SlotBreaker> lastCheck(SlotBreakers breakers, String slot) {
        try {
            return breakers.get(slot).map(v -> v.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
