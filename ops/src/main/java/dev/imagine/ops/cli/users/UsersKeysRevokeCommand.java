package dev.imagine.ops.cli.users;

import dev.imagine.core.account.AccountStore;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code imagine users keys revoke NAME KEY_ID}: the key stops working at once. */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one API key of a user (by its id from `users list`).")
public final class UsersKeysRevokeCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<name>")
    String name;

    @Parameters(index = "1", paramLabel = "<key-id>", description = "e.g. k1a2b3c4d")
    String keyId;

    @Override
    public Integer call() throws Exception {
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            Accounts.run(() -> {
                new AccountStore(cluster.zk()).revokeKey(name, keyId);
                return null;
            });
        }
        if (output.json) {
            output.printJson(Map.of("user", name, "revoked", keyId));
        } else {
            output.out().printf("Revoked key %s of user %s%n", keyId, name);
        }
        return 0;
    }
}
