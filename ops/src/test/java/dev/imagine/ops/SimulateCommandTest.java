package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code simulate}: a small day on a fleet too small for its peak, through the real policies and the two
 * baselines; the lines the issue names are there, and the scheduler's promises show against the baselines.
 */
class SimulateCommandTest {
    static Map<String, Double> values = new HashMap<>();
    static CliRun run;

    @BeforeAll
    static void simulate() {
        run = CliRun.run("simulate", "--gpus", "10", "--jobs", "20000", "--seed", "3");
        for (String line : run.out().split("\\R")) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2) {
                values.put(kv[0], Double.parseDouble(kv[1]));
            }
        }
    }

    @Test
    void printsEveryKeyForTheSchedulerAndBothBaselines() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String prefix : List.of("", "fifo_", "noaffinity_")) {
            for (String key : List.of("turbo_p50_wait_s", "turbo_p99_wait_s", "fast_p99_wait_s", "relax_p99_wait_s",
                    "utilization", "swaps_per_1000_jobs", "max_user_share_deviation")) {
                assertThat(values).containsKey(prefix + key);
            }
        }
        assertThat(values.get("utilization")).isBetween(0.01, 1.0);
    }

    @Test
    void lanesKeepTheirOrderWhereOneQueueDoesNot() {
        assertThat(values.get("turbo_p99_wait_s")).isLessThanOrEqualTo(values.get("fast_p99_wait_s"));
        assertThat(values.get("fast_p99_wait_s")).isLessThan(values.get("relax_p99_wait_s"));
        assertThat(values.get("turbo_p99_wait_s")).isLessThan(values.get("fifo_turbo_p99_wait_s"));
    }

    @Test
    void affinitySwapsFarLessThanSwappingOnDemand() {
        assertThat(values.get("swaps_per_1000_jobs")).isLessThan(values.get("noaffinity_swaps_per_1000_jobs") / 5);
    }

    @Test
    void relaxNeverStarves() {
        assertThat(values.get("jobs_never_started")).isZero();
    }

    @Test
    void fairnessIsMeasuredAsAShareOfTheSlots() {
        for (String prefix : List.of("", "fifo_", "noaffinity_")) {
            assertThat(values.get(prefix + "max_user_share_deviation")).isBetween(0.0, 1.0);
        }
    }
}
