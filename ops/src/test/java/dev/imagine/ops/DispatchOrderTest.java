package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.account.Plan;
import dev.imagine.kernels.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order jobs start in, on the real system with one slot (so jobs start one by one, in exactly the
 * order the dispatcher chose): lanes, fairness across users, and the Relax guarantee.
 */
class DispatchOrderTest {
    /** Long enough that the lane-order test's Relax job never ages on a busy machine; the aging test waits it out. */
    private static final Duration PROMOTE_AFTER = Duration.ofSeconds(12);
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");

    @TempDir
    static Path var;
    static SchedulerCluster system;

    @BeforeAll
    static void start() throws Exception {
        system = new SchedulerCluster(var, 1, ModelPreset.TINY,
                SchedulerSettings.DEFAULTS.withRelaxPromoteAfter(PROMOTE_AFTER));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** Submits while the slot is held, releases it, and returns the labels in the order their jobs started. */
    private List<String> startOrder(Map<String, TestApi.Job> jobs) throws Exception {
        system.releaseSlots();
        Map<String, Long> started = new LinkedHashMap<>();
        for (Map.Entry<String, TestApi.Job> job : jobs.entrySet()) {
            JsonNode done = job.getValue().api().awaitState(job.getValue().id(), DONE, Duration.ofSeconds(60));
            assertThat(done.path("state").asText()).as(job.getKey()).isEqualTo("COMPLETED");
            started.put(job.getKey(), done.at("/timings/submittedAtMillis").asLong() + done.at("/timings/queueWaitMillis").asLong());
        }
        List<String> order = new ArrayList<>(started.keySet());
        order.sort(Comparator.comparing(started::get));
        return order;
    }

    @Test
    void turboBeforeFastBeforeRelaxAndFairAcrossUsersWithinALane() throws Exception {
        TestApi ann = system.user("ann", Plan.PRO);
        TestApi bob = system.user("bob", Plan.PRO);
        TestApi cat = system.user("cat", Plan.PRO);
        TestApi dan = system.user("dan", Plan.PRO);
        system.holdSlots();
        Map<String, TestApi.Job> jobs = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            jobs.put("ann-fast-" + i, new TestApi.Job(ann, ann.submit("a fox " + i + " --fast")));
        }
        jobs.put("bob-fast", new TestApi.Job(bob, bob.submit("an owl --fast")));
        jobs.put("cat-relax", new TestApi.Job(cat, cat.submit("a meadow --relax")));
        jobs.put("dan-turbo", new TestApi.Job(dan, dan.submit("a hare --turbo")));

        List<String> order = startOrder(jobs);

        // Turbo first although submitted last; bob's one Fast job right after ann's first, not after all four;
        // Relax last although submitted before Turbo.
        assertThat(order).containsExactly("dan-turbo", "ann-fast-0", "bob-fast", "ann-fast-1", "ann-fast-2",
                "ann-fast-3", "cat-relax");
    }

    @Test
    void aRelaxJobThatWaitedLongerThanThePromotionAgeStartsBeforeNewerFastJobs() throws Exception {
        TestApi eve = system.user("eve", Plan.STANDARD);
        TestApi fox = system.user("fox", Plan.PRO);
        TestApi gus = system.user("gus", Plan.PRO);
        system.holdSlots();
        Map<String, TestApi.Job> jobs = new LinkedHashMap<>();
        jobs.put("eve-relax", new TestApi.Job(eve, eve.submit("a glacier --relax")));
        Thread.sleep(PROMOTE_AFTER.toMillis() + 500);
        for (int i = 0; i < 5; i++) {
            jobs.put("fox-fast-" + i, new TestApi.Job(fox, fox.submit("a canyon " + i + " --fast")));
            jobs.put("gus-fast-" + i, new TestApi.Job(gus, gus.submit("a forest " + i + " --fast")));
        }

        List<String> order = startOrder(jobs);

        // Without aging it would start after all ten Fast jobs; aged, it competes with them and is the oldest.
        assertThat(order.get(0)).isEqualTo("eve-relax");
    }
}
