package dev.imagine.ops.cli.slots;

import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code imagine slots enable <slot>}. */
@Command(name = "enable", mixinStandardHelpOptions = true, description = "Release a slot from quarantine.")
public final class SlotsEnableCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<slot>")
    String slot;

    @Override
    public Integer call() throws Exception {
        return SlotToggle.toggle(zk, output, slot, true);
    }
}
