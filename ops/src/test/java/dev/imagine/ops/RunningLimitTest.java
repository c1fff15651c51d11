package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.account.Plan;
import dev.imagine.kernels.ModelPreset;
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
        try (SchedulerCluster system = new SchedulerCluster(var, 4, ModelPreset.SMALL, SchedulerSettings.DEFAULTS)) {
            TestApi bo = system.user("bo", Plan.BASIC);
            TestApi al = system.user("al", Plan.PRO);
            system.holdSlots();
            List<String> bos = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                bos.add(bo.submit("a red fox in snow --q 2 --seed " + i));
            }
            String als = al.submit("an owl --q 2 --seed 9");
            system.releaseSlots();

            int mostRunning = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline && !allDone(bo, bos)) {
                mostRunning = Math.max(mostRunning, bo.get("/v1/me").json().path("running").asInt());
                Thread.sleep(20);
            }

            assertThat(allDone(bo, bos)).isTrue();
            assertThat(mostRunning).isEqualTo(3);
            // From the records: never more than three of bo's jobs between dispatch and completion at once.
            List<long[]> spans = new ArrayList<>();
            for (String id : bos) {
                JsonNode job = bo.job(id);
                assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
                long dispatched = job.at("/timings/submittedAtMillis").asLong() + job.at("/timings/queueWaitMillis").asLong();
                spans.add(new long[] {dispatched, job.at("/timings/submittedAtMillis").asLong()
                        + job.at("/timings/totalMillis").asLong()});
            }
            assertThat(maxOverlap(spans)).isLessThanOrEqualTo(3);
            // al's job did not wait behind bo's two that were over the limit.
            JsonNode alJob = al.awaitState(als, DONE, Duration.ofSeconds(60));
            long alStart = alJob.at("/timings/submittedAtMillis").asLong() + alJob.at("/timings/queueWaitMillis").asLong();
            long lastBoStart = spans.stream().mapToLong(s -> s[0]).max().orElseThrow();
            assertThat(alStart).isLessThan(lastBoStart);
        }
    }

    private static boolean allDone(TestApi api, List<String> ids) throws Exception {
        for (String id : ids) {
            if (!DONE.contains(api.job(id).path("state").asText())) {
                return false;
            }
        }
        return true;
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
