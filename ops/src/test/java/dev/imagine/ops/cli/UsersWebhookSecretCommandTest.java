package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.ops.CliRun;
import org.junit.jupiter.api.Test;

/** {@code users webhook-secret}: rotates a user's webhook secret; {@code --show} leaves it; unknown users say so. */
class UsersWebhookSecretCommandTest {
    @Test
    void rotatesTheSecretAndShowsItUnchanged() throws Exception {
        CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "pro", "wes");
        String before = secretOf(CliRun.run("users", "webhook-secret", "--zk", CliSystem.zk(), "--show", "wes"));

        CliRun rotated = CliRun.run("users", "webhook-secret", "--zk", CliSystem.zk(), "wes");

        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        String after = secretOf(rotated);
        assertThat(after).startsWith("whsec_").isNotEqualTo(before);
        assertThat(secretOf(CliRun.run("users", "webhook-secret", "--zk", CliSystem.zk(), "--show", "wes"))).isEqualTo(after);
    }

    @Test
    void anUnknownUserSaysSo() throws Exception {
        CliRun run = CliRun.run("users", "webhook-secret", "--zk", CliSystem.zk(), "nobody");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: no user 'nobody'");
    }

    private static String secretOf(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.out().strip().replaceFirst(".*: ", "");
    }
}
