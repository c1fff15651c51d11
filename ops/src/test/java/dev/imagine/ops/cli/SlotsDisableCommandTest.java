package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.ops.CliRun;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code slots disable}: a quarantined slot goes OFFLINE and takes no jobs. */
class SlotsDisableCommandTest {
    static final String SLOT = "cpu-local_worker-1_0";

    @AfterEach
    void release() throws Exception {
        CliRun.run("slots", "enable", "--zk", CliSystem.zk(), SLOT);
        CliSystem.awaitSlotState(SLOT, "V8");
    }

    @Test
    void disabledSlotUnloadsAndShowsDisabled() throws Exception {
        CliRun run = CliRun.run("slots", "disable", "--zk", CliSystem.zk(), SLOT);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("Disabled slot " + SLOT
                + " on worker-1; its running job finishes, then it unloads and takes no jobs");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String list = "";
        while (System.nanoTime() < deadline && !list.matches("(?s).*" + SLOT + "\\s+cpu-local\\s+worker-1\\s+OFFLINE\\s+V8\\s+disabled.*")) {
            list = CliRun.run("slots", "list", "--zk", CliSystem.zk()).out();
            Thread.sleep(100);
        }
        assertThat(list).containsPattern(SLOT + "\\s+cpu-local\\s+worker-1\\s+OFFLINE\\s+V8\\s+disabled");
    }

    @Test
    void unknownSlotSaysWhereToLook() throws Exception {
        CliRun run = CliRun.run("slots", "disable", "--zk", CliSystem.zk(), "gpu_nowhere_0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(
                "error: no slot 'gpu_nowhere_0' in cluster imagine-cluster; `imagine slots list` shows them");
    }
}
