package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.ops.CliRun;
import org.junit.jupiter.api.Test;

/** {@code users plan}: moves a user to another plan; an unknown user is a one-line error. */
class UsersPlanCommandTest {
    @Test
    void movesAUserToAnotherPlan() throws Exception {
        CliRun.run("users", "add", "--zk", CliSystem.zk(), "--plan", "basic", "moe");

        CliRun run = CliRun.run("users", "plan", "--zk", CliSystem.zk(), "moe", "mega");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("Moved user moe to the mega plan");
        assertThat(CliRun.run("users", "list", "--zk", CliSystem.zk()).out()).containsPattern("moe\\s+mega\\s+0/15");
    }

    @Test
    void anUnknownUserSaysSo() throws Exception {
        CliRun run = CliRun.run("users", "plan", "--zk", CliSystem.zk(), "nobody", "pro");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: no user 'nobody'");
    }
}
