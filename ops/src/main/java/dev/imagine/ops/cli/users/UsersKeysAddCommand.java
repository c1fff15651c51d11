package dev.imagine.ops.cli.users;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.ApiKeys;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code imagine users keys add NAME}: a further API key, printed once. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add an API key to a user; prints it once.")
public final class UsersKeysAddCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<name>")
    String name;

    @Override
    public Integer call() throws Exception {
        String key;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            key = Accounts.run(() -> new AccountStore(cluster.zk()).addKey(name, System.currentTimeMillis()));
        }
        String id = ApiKeys.idOf(ApiKeys.sha256(key));
        if (output.json) {
            output.printJson(Map.of("user", name, "keyId", id, "apiKey", key));
        } else {
            output.out().printf("Added key %s to user %s%n", id, name);
            output.out().printf("API key (shown once; only its hash is kept): %s%n", key);
        }
        return 0;
    }
}
