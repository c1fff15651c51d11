package dev.imagine.ops.cli.queue;

import picocli.CommandLine.Command;

@Command(name = "queue", mixinStandardHelpOptions = true, description = "The priority lanes.",
        subcommands = {QueueShowCommand.class})
public final class QueueCommand {
}
