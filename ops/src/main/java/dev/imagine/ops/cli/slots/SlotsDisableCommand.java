package dev.imagine.ops.cli.slots;

import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code imagine slots disable <slot>}. */
@Command(name = "disable", mixinStandardHelpOptions = true, description = "Quarantine a slot by hand: no new jobs; the running one finishes.")
public final class SlotsDisableCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<slot>")
    String slot;

    @Override
    public Integer call() throws Exception {
        return SlotToggle.toggle(zk, output, slot, false);
    }
}
