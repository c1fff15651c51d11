package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.FailureSettings;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hung kernel does not keep its job: with no progress for the timeout, the job is taken back and completes on
 * another slot, while the hung slot stays busy (it takes no job) until its worker comes back; a job that is slow
 * but still stepping is never taken.
 */
class HungKernelTest {
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path var;

    @Test
    void aHungJobIsRetriedElsewhereAndItsSlotIsFreeOnlyWhenItsWorkerSaysSo() throws Exception {
        try (FaultyCluster system = new FaultyCluster(var,
                FailureSettings.DEFAULTS.withProgressTimeout(PROGRESS_TIMEOUT))) {
            TestApi hana = system.user("hana");
            system.setEnabled(system.slotB, false);
            system.faults(system.slotA).hang();
            String id = hana.submit("a lighthouse at dusk --seed 3");
            FaultyCluster.await(Duration.ofSeconds(30), "job claimed on A", () -> {
                try {
                    JobRecord job = system.record(id);
                    return job.state() == JobState.PROCESSING && system.slotA.equals(job.slot());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long hungAt = System.nanoTime();
            system.setEnabled(system.slotB, true);

            JsonNode done = hana.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60));
            long recoveredMillis = (System.nanoTime() - hungAt) / 1_000_000;

            assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(done.path("slot").asText()).isEqualTo(system.slotB);
            JobRecord record = system.record(id);
            assertThat(record.attempts()).isEqualTo(2);
            assertThat(record.history()).singleElement().satisfies(attempt -> {
                assertThat(attempt.slot()).isEqualTo(system.slotA);
                assertThat(attempt.outcome()).contains("no progress");
            });
            assertThat(recoveredMillis).isGreaterThanOrEqualTo(PROGRESS_TIMEOUT.toMillis());
            // The hung worker never said it was done: its slot is busy, and a new job goes to B instead.
            assertThat(system.store.slotIsBusy(system.slotA)).isTrue();
            assertThat(system.store.slotIsFree(system.slotA)).isFalse();
            String next = hana.submit("a lighthouse at dawn --seed 4");
            assertThat(hana.awaitState(next, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60)).path("slot").asText())
                    .isEqualTo(system.slotB);

            // The device comes back: the stale run finds its job gone, stops, and frees the slot.
            system.faults(system.slotA).heal();
            FaultyCluster.await(Duration.ofSeconds(30), "slot A free again", () -> {
                try {
                    return system.store.slotIsFree(system.slotA);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(system.record(id).state()).isEqualTo(JobState.COMPLETED);
            System.out.printf("hung-kernel: job %s taken back from %s and completed on %s %d ms after it hung%n",
                    id, system.slotA, system.slotB, recoveredMillis);
        }
    }

    @Test
    void aJobThatIsSlowButSteppingIsNeverTakenBack() throws Exception {
        try (FaultyCluster system = new FaultyCluster(var,
                FailureSettings.DEFAULTS.withProgressTimeout(PROGRESS_TIMEOUT))) {
            TestApi sol = system.user("sol");
            system.setEnabled(system.slotB, false);
            system.faults(system.slotA).slow(40);
            long start = System.nanoTime();
            String id = sol.submit("a slow river --seed 5 --q 2");

            JsonNode done = sol.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(120));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            // Slower than the timeout as a whole, so only its steps kept it alive.
            assertThat(tookMillis).isGreaterThan(2 * PROGRESS_TIMEOUT.toMillis());
            assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(done.path("attempts").asInt()).isEqualTo(1);
            assertThat(system.record(id).history()).isEmpty();
            System.out.printf("slow-kernel: job %s took %d ms on %s with a %d ms progress timeout, one attempt%n",
                    id, tookMillis, system.slotA, PROGRESS_TIMEOUT.toMillis());
        }
    }
}
