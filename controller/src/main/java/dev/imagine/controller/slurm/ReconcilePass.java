package dev.imagine.controller.slurm;

import java.util.List;

/**
 * What one reconcile pass found and did.
 *
 * @param evicted          participants whose Slurm job ended, taken out of Helix
 * @param disabled         participants disabled because their Slurm node is down or draining
 * @param enabled          participants re-enabled because their node came back
 * @param unmanaged        Helix participants in a Slurm pool with no Slurm job behind them (reported only)
 * @param lagMillis        for each eviction: Slurm's end time of the job → its slots out of Helix
 * @param slurmError       why Slurm could not be read (then nothing in Helix was touched), or null
 */
public record ReconcilePass(List<String> evicted, List<String> disabled, List<String> enabled,
                            List<String> unmanaged, List<Long> lagMillis, String slurmError) {

    static ReconcilePass slurmUnavailable(String why) {
        return new ReconcilePass(List.of(), List.of(), List.of(), List.of(), List.of(), why);
    }

    public boolean changedHelix() {
        return !evicted.isEmpty() || !disabled.isEmpty() || !enabled.isEmpty();
    }
}
