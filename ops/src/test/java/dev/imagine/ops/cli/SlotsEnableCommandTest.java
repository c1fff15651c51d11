package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.ops.CliRun;
import dev.imagine.ops.local.LocalClusterConfig;
import org.junit.jupiter.api.Test;

/** {@code slots enable}: a quarantined slot loads its model again and serves. */
class SlotsEnableCommandTest {
    static final String SLOT = "cpu-local_worker-1_0";

    @Test
    void enabledSlotLoadsItsModelAgain() throws Exception {
        try (SlotAdmin admin = new SlotAdmin(CliSystem.zk(), LocalClusterConfig.CLUSTER)) {
            admin.setSlotEnabled(admin.slot(SLOT).orElseThrow(), false);
        }
        CliSystem.awaitSlotState(SLOT, "OFFLINE");

        CliRun run = CliRun.run("slots", "enable", "--zk", CliSystem.zk(), SLOT);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("Enabled slot " + SLOT + " on worker-1; it loads its model and takes jobs again");
        CliSystem.awaitSlotState(SLOT, "V8");
        assertThat(CliRun.run("slots", "list", "--zk", CliSystem.zk()).out()).containsPattern(SLOT + ".*V8\\s+V8\\s+ready");
    }
}
