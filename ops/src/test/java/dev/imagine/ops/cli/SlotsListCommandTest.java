package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.ops.CliRun;
import org.junit.jupiter.api.Test;

/** {@code slots list}: every slot with its state, target and health. */
class SlotsListCommandTest {

    @Test
    void listsTheReadySlotWithItsParticipant() throws Exception {
        CliRun run = CliRun.run("slots", "list", "--zk", CliSystem.zk());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("SLOT").containsPattern("cpu-local_worker-1_0\\s+cpu-local\\s+worker-1\\s+V8\\s+V8\\s+ready");
    }

    @Test
    void poolFilterAndJson() throws Exception {
        CliRun other = CliRun.run("slots", "list", "--zk", CliSystem.zk(), "--pool", "gpu-a100", "--json");
        CliRun mine = CliRun.run("slots", "list", "--zk", CliSystem.zk(), "--pool", "cpu-local", "--json");

        assertThat(new ObjectMapper().readTree(other.out())).isEmpty();
        JsonNode slot = new ObjectMapper().readTree(mine.out()).get(0);
        assertThat(slot.path("slot").asText()).isEqualTo("cpu-local_worker-1_0");
        assertThat(slot.path("version").asText()).isEqualTo("v8");
        // What the slot's participant measured its kernels run on, e.g. "vector: cpu, 1 thread(s), Vector API ...".
        assertThat(slot.path("kernels").asText()).matches("(vector|aparapi|scalar): .*thread.*");
    }
}
