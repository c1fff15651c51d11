package dev.imagine.ops.cli.slots;

import picocli.CommandLine.Command;

@Command(name = "slots", mixinStandardHelpOptions = true, description = "GPU slots: list, quarantine by hand, release.",
        subcommands = {SlotsListCommand.class, SlotsDisableCommand.class, SlotsEnableCommand.class})
public final class SlotsCommand {
}
