package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.ops.CliRun;
import org.junit.jupiter.api.Test;

/** {@code users list}: plans, counters, Fast time and key ids, never keys. */
class UsersListCommandTest {
    @Test
    void listsUsersWithTheirPlanCountersAndKeyIdsButNoKeys() throws Exception {
        CliRun added = CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "pro", "--json", "lia");
        String key = new ObjectMapper().readTree(added.out()).path("apiKey").asText();

        CliRun run = CliRun.run("users", "list", "--zk", CliSystem.zk());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("USER\\s+PLAN\\s+RUNNING\\s+WAITING\\s+FAST USED\\s+FAST LEFT\\s+KEYS")
                .containsPattern("lia\\s+pro\\s+0/12\\s+0/10\\s+0.0 min\\s+1800.0 min\\s+k[0-9a-f]{8}")
                .containsPattern("dev\\s+pro")
                .doesNotContain(key);
        JsonNode json = new ObjectMapper().readTree(CliRun.run("users", "list", "--zk", CliSystem.zk(), "--json").out());
        assertThat(json.findValuesAsText("user")).contains("lia", "dev");
    }
}
