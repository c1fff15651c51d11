package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.ops.CliRun;
import org.junit.jupiter.api.Test;

/** {@code users add}: a user and a key shown once; bad names and plans are one-line errors. */
class UsersAddCommandTest {
    @Test
    void addsAUserAndPrintsItsKeyOnce() throws Exception {
        CliRun run = CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "standard", "ada");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Added user ada on the standard plan")
                .containsPattern("API key \\(shown once; only its hash is kept\\): imk_[0-9a-f]{64}");
    }

    @Test
    void jsonGivesUserPlanAndKey() throws Exception {
        CliRun run = CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "mega", "--json", "jo");

        JsonNode body = new ObjectMapper().readTree(run.out());
        assertThat(body.path("user").asText()).isEqualTo("jo");
        assertThat(body.path("plan").asText()).isEqualTo("mega");
        assertThat(body.path("apiKey").asText()).matches("imk_[0-9a-f]{64}");
    }

    @Test
    void anExistingNameAnUnknownPlanAndABadNameAreOneLineErrors() throws Exception {
        CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "pro", "twice");

        CliRun again = CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "pro", "twice");
        CliRun plan = CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "gold", "goldie");
        CliRun name = CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "pro", "Bad/Name");

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().strip()).isEqualTo("error: user 'twice' already exists");
        assertThat(plan.err().strip()).isEqualTo("error: unknown plan 'gold'; use one of basic, standard, pro, mega");
        assertThat(name.err().strip()).startsWith("error: user name 'Bad/Name' must be 1-32 lower-case letters");
    }
}
