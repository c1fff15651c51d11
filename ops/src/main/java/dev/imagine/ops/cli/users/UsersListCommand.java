package dev.imagine.ops.cli.users;

import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.ApiKey;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.Table;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code imagine users list}: every account, its plan, live counters, Fast time and key ids (never keys). */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Users, plans, jobs running/waiting, Fast time, key ids.")
public final class UsersListCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        List<Account> accounts;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            accounts = new AccountStore(cluster.zk()).list();
        }
        long now = System.currentTimeMillis();
        if (output.json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Account a : accounts) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("user", a.name());
                row.put("plan", a.plan().key());
                row.put("running", a.running());
                row.put("waiting", a.waiting());
                row.put("fastMillisUsed", a.fastMillisUsed(now));
                row.put("fastMillisLeft", a.fastMillisLeft(now));
                row.put("keys", a.keys().stream().map(ApiKey::id).toList());
                rows.add(row);
            }
            output.printJson(rows);
            return 0;
        }
        if (accounts.isEmpty()) {
            output.out().println("No users yet; add one with `ops/imagine users add NAME --plan standard`");
            return 0;
        }
        Table table = new Table("USER", "PLAN", "RUNNING", "WAITING", "FAST USED", "FAST LEFT", "KEYS");
        for (Account a : accounts) {
            table.row(a.name(), a.plan().key(), a.running() + "/" + a.plan().maxRunning(),
                    a.waiting() + "/" + a.plan().maxWaiting(), minutes(a.fastMillisUsed(now)), minutes(a.fastMillisLeft(now)),
                    a.keys().stream().map(ApiKey::id).collect(Collectors.joining(",")));
        }
        table.print(output.out(), "");
        return 0;
    }

    private static String minutes(long millis) {
        return String.format("%.1f min", millis / 60_000.0);
    }
}
