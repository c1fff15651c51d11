package dev.imagine.ops.cli.cluster;

import picocli.CommandLine.Command;

@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The cluster as a whole.",
        subcommands = {ClusterStatusCommand.class})
public final class ClusterCommand {
}
