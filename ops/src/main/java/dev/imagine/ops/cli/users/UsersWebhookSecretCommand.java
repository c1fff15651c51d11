package dev.imagine.ops.cli.users;

import dev.imagine.core.account.AccountStore;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code imagine users webhook-secret NAME}: rotates the secret a user's completion webhooks are signed with and
 * prints the new one (the old one stops verifying at the next delivery); {@code --show} prints it unchanged.
 */
@Command(name = "webhook-secret", mixinStandardHelpOptions = true,
        description = "Rotate (or --show) the secret a user's webhooks are signed with.")
public final class UsersWebhookSecretCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<name>")
    String name;

    @Option(names = "--show", description = "Print the secret in force without rotating it.")
    boolean show;

    @Override
    public Integer call() throws Exception {
        String secret;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            secret = Accounts.run(() -> new AccountStore(cluster.zk()).webhookSecret(name, !show));
        }
        if (output.json) {
            output.printJson(Map.of("user", name, "webhookSecret", secret, "rotated", !show));
        } else {
            output.out().printf("%s webhook secret of %s: %s%n", show ? "Current" : "New", name, secret);
        }
        return 0;
    }
}
