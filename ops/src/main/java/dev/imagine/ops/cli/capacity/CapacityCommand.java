package dev.imagine.ops.cli.capacity;

import picocli.CommandLine.Command;

@Command(name = "capacity", mixinStandardHelpOptions = true, description = "Capacity planning.",
        subcommands = {CapacityPlanCommand.class})
public final class CapacityCommand {
}
