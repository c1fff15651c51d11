package dev.imagine.history;

import dev.imagine.core.account.Account;
import dev.imagine.core.account.ApiKey;
import dev.imagine.core.zk.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Users, their plans and their key hashes in PostgreSQL. ZooKeeper keeps the live account (the counters every
 * submission checks and changes in one compare-and-set); this is its durable copy, written by the archiver whenever
 * an account's version moves, and what the history joins against. Keys are only ever hashes.
 */
public final class UserDirectory {
    private final Jdbi jdbi;

    public UserDirectory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void write(Account account, long nowMillis) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("INSERT INTO users (name, plan, plan_detail, month, fast_millis_used, created_at_millis, "
                            + "updated_at_millis) VALUES (:name, :plan, CAST(:detail AS jsonb), :month, :used, :created, :now) "
                            + "ON CONFLICT (name) DO UPDATE SET plan = excluded.plan, plan_detail = excluded.plan_detail, "
                            + "month = excluded.month, fast_millis_used = excluded.fast_millis_used, "
                            + "updated_at_millis = excluded.updated_at_millis")
                    .bind("name", account.name()).bind("plan", account.plan().name())
                    .bind("detail", new String(Json.write(Map.of("maxRunning", account.plan().maxRunning(),
                            "maxWaiting", account.plan().maxWaiting(),
                            "fastMillisPerMonth", account.plan().fastMillisPerMonth(),
                            "relaxIncluded", account.plan().relaxIncluded())), StandardCharsets.UTF_8))
                    .bind("month", account.month()).bind("used", account.fastMillisUsed())
                    .bind("created", account.createdAtMillis()).bind("now", nowMillis).execute();
            List<String> hashes = account.keys().stream().map(ApiKey::sha256).toList();
            // Revoked keys go: the copy holds exactly the keys that work.
            if (hashes.isEmpty()) {
                handle.createUpdate("DELETE FROM api_keys WHERE user_name = :name").bind("name", account.name()).execute();
            } else {
                handle.createUpdate("DELETE FROM api_keys WHERE user_name = :name AND sha256 NOT IN (<hashes>)")
                        .bind("name", account.name()).bindList("hashes", hashes).execute();
            }
            for (ApiKey key : account.keys()) {
                handle.createUpdate("INSERT INTO api_keys (sha256, key_id, user_name, created_at_millis) "
                                + "VALUES (:hash, :id, :name, :created) ON CONFLICT (sha256) DO NOTHING")
                        .bind("hash", key.sha256()).bind("id", key.id()).bind("name", account.name())
                        .bind("created", key.createdAtMillis()).execute();
            }
        });
    }

    public record UserRow(String name, String plan, long fastMillisUsed, int keys) {
    }

    public List<UserRow> users() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT u.name, u.plan, u.fast_millis_used, "
                        + "(SELECT COUNT(*) FROM api_keys k WHERE k.user_name = u.name) AS keys FROM users u ORDER BY u.name")
                .map((rs, ctx) -> new UserRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4))).list());
    }
}
