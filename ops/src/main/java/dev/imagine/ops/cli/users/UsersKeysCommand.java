package dev.imagine.ops.cli.users;

import picocli.CommandLine.Command;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "API keys of a user: add, revoke.",
        subcommands = {UsersKeysAddCommand.class, UsersKeysRevokeCommand.class})
public final class UsersKeysCommand {
}
