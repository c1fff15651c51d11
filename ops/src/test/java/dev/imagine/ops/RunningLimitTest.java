package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.account.Plan;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.participant.faults.KernelFaults;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ProgressListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's running limit on the real system: four slots, a Basic user (3 at once) with five slow jobs never
 * has more than three in flight, and the fourth slot serves another user's job meanwhile.
 */
class RunningLimitTest {
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");

    @TempDir
    Path var;

    @Test
    void aBasicUserRunsAtMostThreeJobsAndTheFourthSlotServesSomeoneElse() throws Exception {
        // Weights generated and kernels compiled once, on this thread, before four slots load them at once
        // (a JVM of this suite once died in a SIGSEGV here; -XX:ErrorFile keeps the report under target/).
        ModelRegistry.load("v8", ModelPreset.SMALL).generate(new GenerationRequest("warm up", "", 1, 1, 1, 0.25, 100, 0),
                ProgressListener.NONE, new CancellationToken());
        // Slowed kernels (seconds a job): al's job surely arrives while bo's first ones still run, on any machine.
        KernelFaults slowed = new KernelFaults();
        slowed.slow(3);
        try (SchedulerCluster system = new SchedulerCluster(var, 4, ModelPreset.SMALL, SchedulerSettings.DEFAULTS, slowed)) {
            TestApi bo = system.user("bo", Plan.BASIC);
            TestApi al = system.user("al", Plan.PRO);
            system.holdSlots();
            List<String> bos = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                bos.add(bo.submit("a red fox in snow --q 2 --seed " + i));
            }
            system.releaseSlots();
            bo.awaitStep(bos.get(0), 1, Duration.ofSeconds(60));
            // Four slots, bo alone with five jobs: the limit keeps one slot free, and al's job takes it at once.
            String als = al.submit("an owl --q 2 --seed 9");

            JsonNode alJob = al.awaitState(als, DONE, Duration.ofSeconds(120));
            List<long[]> spans = new ArrayList<>();
            for (String id : bos) {
                JsonNode job = bo.awaitState(id, DONE, Duration.ofSeconds(120));
                assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
                long submitted = job.at("/timings/submittedAtMillis").asLong();
                spans.add(new long[] {submitted + job.at("/timings/queueWaitMillis").asLong(),
                        submitted + job.at("/timings/totalMillis").asLong()});
            }

            // Never more than three of bo's jobs between dispatch and completion at once, and three at the start.
            assertThat(maxOverlap(spans)).isEqualTo(3);
            long alStart = alJob.at("/timings/submittedAtMillis").asLong() + alJob.at("/timings/queueWaitMillis").asLong();
            long firstBoEnd = spans.stream().mapToLong(span -> span[1]).min().orElseThrow();
            assertThat(alStart).isLessThan(firstBoEnd);
            assertThat(system.account("bo").running()).isZero();
        }
    }

    private static int maxOverlap(List<long[]> spans) {
        int most = 0;
        for (long[] span : spans) {
            int overlapping = 0;
            for (long[] other : spans) {
                if (other[0] <= span[0] && span[0] < other[1]) {
                    overlapping++;
                }
            }
            most = Math.max(most, overlapping);
        }
        return most;
    }
}
