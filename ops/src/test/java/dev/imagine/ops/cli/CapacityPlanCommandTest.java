package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.ops.CliRun;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code capacity plan} reproduces the seed's chapter-1 reference card from the seed's inputs. */
class CapacityPlanCommandTest {

    @Test
    void seedInputsReproduceTheReferenceCard() {
        CliRun run = CliRun.run("capacity", "plan", "--images-per-day", "2.5e6", "--images-per-job", "4",
                "--gpu-seconds-per-job", "20", "--utilization", "0.65");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("QPS \\(avg\\)\\s+~29\\s")
                .containsPattern("QPS \\(peak\\)\\s+~87\\s")
                .containsPattern("Jobs/day\\s+~625,000\\s")
                .containsPattern("GPU-hours/day \\(raw\\)\\s+~3,472\\s")
                .containsPattern("Min GPUs \\(inference\\)\\s+223\\s")
                .containsPattern("Actual GPUs\\s+10,000\\s+45x the minimum")
                .containsPattern("Storage/day\\s+~2.5 TB")
                .containsPattern("Bandwidth/day\\s+~7.5 TB \\(\\$600/day\\)")
                .containsPattern("Rev/GPU-hour\\s+\\$5.71")
                .containsPattern("Cost/GPU-hour\\s+\\$4.00");
    }

    @Test
    void jsonCarriesTheUnroundedNumbers() throws Exception {
        CliRun run = CliRun.run("capacity", "plan", "--json");

        JsonNode plan = new ObjectMapper().readTree(run.out()).path("plan");
        assertThat(plan.path("qpsAverage").asDouble()).isCloseTo(28.94, within(0.01));
        assertThat(plan.path("qpsPeak").asDouble()).isCloseTo(86.8, within(0.1));
        assertThat(plan.path("jobsPerDay").asDouble()).isEqualTo(625_000);
        assertThat(plan.path("jobsPerSecondAverage").asDouble()).isCloseTo(7.2, within(0.05));
        assertThat(plan.path("gpuHoursPerDayRaw").asDouble()).isCloseTo(3_472, within(1.0));
        assertThat(plan.path("gpuHoursPerDayEffective").asDouble()).isCloseTo(5_341, within(1.0));
        assertThat(plan.path("gpusNeeded").asLong()).isEqualTo(223);
        assertThat(plan.path("storageTbPerDay").asDouble()).isEqualTo(2.5);
        assertThat(plan.path("egressTbPerDay").asDouble()).isEqualTo(7.5);
        assertThat(plan.path("egressUsdPerDay").asDouble()).isCloseTo(600, within(0.01));
        assertThat(plan.path("revenueUsdPerGpuHour").asDouble()).isCloseTo(5.70, within(0.01));
        assertThat(plan.path("marginUsdPerGpuHour").asDouble()).isCloseTo(1.70, within(0.01));
    }

    @Test
    void doublingTheImagesDoublesTheFleet() throws Exception {
        CliRun run = CliRun.run("capacity", "plan", "--images-per-day", "5e6", "--json");

        assertThat(new ObjectMapper().readTree(run.out()).at("/plan/gpusNeeded").asLong()).isEqualTo(446);
    }

    @Test
    void utilizationOutOfRangeIsOneLineNamingTheFlag() {
        CliRun run = CliRun.run("capacity", "plan", "--utilization", "1.5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n").contains("--utilization in (0, 1]");
    }
}
