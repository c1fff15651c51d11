package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.ops.CliRun;
import org.junit.jupiter.api.Test;

/** {@code models list}: what the state model knows, and who holds it. */
class ModelsListCommandTest {

    @Test
    void listsEachVersionWithTheSlotsHoldingIt() throws Exception {
        CliRun run = CliRun.run("models", "list", "--zk", CliSystem.zk());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("v6\\s+V6\\s+0\\s+0\\s+\\d+\\s+in this build")
                .containsPattern("v8\\s+V8\\s+1\\s+1\\s+\\d+\\s+in this build")
                .containsPattern("v9\\s+V9\\s+0\\s+0\\s+\\d+\\s+in this build")
                .containsPattern("upscaler\\s+UPSCALER\\s+0\\s+0\\s+\\d+\\s+in this build");
    }

    @Test
    void json() throws Exception {
        JsonNode models = new ObjectMapper().readTree(CliRun.run("models", "list", "--zk", CliSystem.zk(), "--json").out());

        assertThat(models).extracting(m -> m.path("version").asText()).containsExactly("upscaler", "v6", "v8", "v9");
    }
}
