package dev.imagine.ops.cli.users;

import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code imagine users plan NAME PLAN}: moves a user to another plan; its limits apply from the next job. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Move a user to another plan.")
public final class UsersPlanCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<name>")
    String name;

    @Parameters(index = "1", paramLabel = "<plan>", description = "basic, standard, pro or mega.")
    String plan;

    @Override
    public Integer call() throws Exception {
        Plan chosen = Accounts.plan(plan);
        Account account;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            account = Accounts.run(() -> new AccountStore(cluster.zk()).setPlan(name, chosen));
        }
        if (output.json) {
            output.printJson(Map.of("user", account.name(), "plan", account.plan().key()));
        } else {
            output.out().printf("Moved user %s to the %s plan%n", account.name(), account.plan().key());
        }
        return 0;
    }
}
