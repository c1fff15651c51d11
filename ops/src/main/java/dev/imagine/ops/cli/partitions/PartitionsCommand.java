package dev.imagine.ops.cli.partitions;

import picocli.CommandLine.Command;

@Command(name = "partitions", mixinStandardHelpOptions = true,
        description = "GPU pools: Slurm partitions joined with Helix pools.",
        subcommands = {PartitionsListCommand.class, PartitionsScaleCommand.class, PartitionsDrainCommand.class})
public final class PartitionsCommand {
}
