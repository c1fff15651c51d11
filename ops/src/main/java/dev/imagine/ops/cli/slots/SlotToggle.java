package dev.imagine.ops.cli.slots;

import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.core.zk.SlotBreakers;
import dev.imagine.ops.cli.CliException;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;

/** Disable and enable share this: find the slot in the IdealStates, flip it in Helix, say so. */
final class SlotToggle {
    private SlotToggle() {
    }

    record Toggled(String slot, String pool, String instance, boolean enabled) {
    }

    static int toggle(ZkOptions zk, Output output, String slot, boolean enabled) throws Exception {
        SlotAdmin.SlotRef ref;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            ref = cluster.slots().slot(slot).orElseThrow(() -> new CliException(
                    "no slot '" + slot + "' in cluster " + zk.cluster + "; `imagine slots list` shows them", 2));
            cluster.slots().setSlotEnabled(ref, enabled);
            if (enabled) {
                // The operator's word overrides an open circuit breaker (else the controller would disable it again).
                new SlotBreakers(cluster.zk()).close(slot);
            }
        }
        if (output.json) {
            output.printJson(new Toggled(slot, ref.pool(), ref.instance(), enabled));
        } else if (enabled) {
            output.out().printf("Enabled slot %s on %s; it loads its model and takes jobs again%n", slot, ref.instance());
        } else {
            output.out().printf("Disabled slot %s on %s; its running job finishes, then it unloads and takes no jobs%n",
                    slot, ref.instance());
        }
        return 0;
    }
}
