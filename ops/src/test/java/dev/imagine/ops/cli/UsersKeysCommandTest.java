package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.ops.CliRun;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/** {@code users keys add|revoke}: a second key works at once; a revoked one stops at once. */
class UsersKeysCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void addsASecondKeyAndRevokesTheFirst() throws Exception {
        String first = JSON.readTree(CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "pro", "--json", "kit")
                .out()).path("apiKey").asText();

        CliRun added = CliRun.run("users", "keys", "add", "--zk", CliSystem.zk(), "--json", "kit");
        JsonNode second = JSON.readTree(added.out());
        try (CuratorFramework zk = ZkClients.connect(CliSystem.zk(), Duration.ofSeconds(10))) {
            AccountStore accounts = new AccountStore(zk);
            assertThat(accounts.authenticate(second.path("apiKey").asText())).isPresent();
            String firstId = accounts.require("kit").value().keys().get(0).id();

            CliRun revoked = CliRun.run("users", "keys", "revoke", "--zk", CliSystem.zk(), "kit", firstId);

            assertThat(revoked.exitCode()).as(revoked.err()).isZero();
            assertThat(revoked.out().strip()).isEqualTo("Revoked key " + firstId + " of user kit");
            assertThat(accounts.authenticate(first)).isEmpty();
            assertThat(accounts.authenticate(second.path("apiKey").asText())).isPresent();
        }
    }

    @Test
    void revokingAnUnknownKeySaysWhereToLook() throws Exception {
        CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "pro", "kip");

        CliRun run = CliRun.run("users", "keys", "revoke", "--zk", CliSystem.zk(), "kip", "kdeadbeef");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: user 'kip' has no key 'kdeadbeef'; `users list` shows key ids");
    }
}
