package dev.imagine.ops.cli.discord;

import picocli.CommandLine.Command;

/** {@code imagine discord ...}: the Discord application the bot answers for. */
@Command(name = "discord", mixinStandardHelpOptions = true, description = "The Discord bot's application.",
        subcommands = {DiscordRegisterCommand.class})
public final class DiscordCommand {
}
