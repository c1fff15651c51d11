package dev.imagine.ops.cli.users;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imagine users add NAME --plan P}: a new account and its first API key, printed once. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user on a plan; prints a new API key once.")
public final class UsersAddCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<name>", description = "1-32 lower-case letters, digits, _ . -")
    String name;

    @Option(names = "--plan", required = true, description = "basic, standard, pro or mega.")
    String plan;

    @Override
    public Integer call() throws Exception {
        Plan chosen = Accounts.plan(plan);
        String key;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            key = Accounts.run(() -> new AccountStore(cluster.zk()).create(name, chosen, System.currentTimeMillis()));
        }
        if (output.json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user", name);
            body.put("plan", chosen.key());
            body.put("apiKey", key);
            output.printJson(body);
        } else {
            output.out().printf("Added user %s on the %s plan%n", name, chosen.key());
            output.out().printf("API key (shown once; only its hash is kept): %s%n", key);
        }
        return 0;
    }
}
