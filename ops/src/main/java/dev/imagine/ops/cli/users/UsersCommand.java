package dev.imagine.ops.cli.users;

import picocli.CommandLine.Command;

@Command(name = "users", mixinStandardHelpOptions = true, description = "Accounts: add, list, change plan, manage API keys.",
        subcommands = {UsersAddCommand.class, UsersListCommand.class, UsersPlanCommand.class, UsersKeysCommand.class,
                UsersWebhookSecretCommand.class})
public final class UsersCommand {
}
