package dev.imagine.core.account;

import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Accounts and their keys in ZooKeeper. An account and its key index entries change together in one
 * transaction guarded by the account's version; a key is returned to the caller once and never stored.
 */
public final class AccountStore {
    /** Names are znode- and lane-entry-safe: no '/', no '~'. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,31}");
    private static final int ATTEMPTS = 20;

    private final CuratorFramework zk;

    public AccountStore(CuratorFramework zk) {
        this.zk = zk;
    }

    /** A new account with one key. Returns the key (shown once); an existing name is an error. */
    public String create(String name, Plan plan, long nowMillis) throws Exception {
        requireName(name);
        String key = ApiKeys.generate();
        String hash = ApiKeys.sha256(key);
        Account account = Account.create(name, plan, new ApiKey(ApiKeys.idOf(hash), hash, nowMillis), nowMillis);
        ensureParents();
        try {
            zk.transaction().forOperations(
                    zk.transactionOp().create().forPath(ZkPaths.user(name), Json.write(account)),
                    zk.transactionOp().create().forPath(ZkPaths.key(hash), name.getBytes(StandardCharsets.UTF_8)));
        } catch (KeeperException.NodeExistsException e) {
            // A retry of our own create whose first try committed leaves our key hash behind: that is success.
            if (get(name).map(a -> a.value().keys().stream().anyMatch(k -> k.sha256().equals(hash))).orElse(false)) {
                return key;
            }
            throw new AccountException("user '" + name + "' already exists");
        }
        return key;
    }

    public Optional<Versioned<Account>> get(String name) throws Exception {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.user(name));
            return Optional.of(new Versioned<>(Json.read(data, Account.class), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    public Versioned<Account> require(String name) throws Exception {
        return get(name).orElseThrow(() -> new AccountException("no user '" + name + "'"));
    }

    /** The account a key belongs to, or empty for a malformed, unknown or revoked key. */
    public Optional<Account> authenticate(String key) throws Exception {
        return authenticateVersioned(key).map(Versioned::value);
    }

    /** As {@link #authenticate}, with the account's znode version (a first guess for a compare-and-set). */
    public Optional<Versioned<Account>> authenticateVersioned(String key) throws Exception {
        if (!ApiKeys.wellFormed(key)) {
            return Optional.empty();
        }
        String hash = ApiKeys.sha256(key);
        try {
            String name = new String(zk.getData().forPath(ZkPaths.key(hash)), StandardCharsets.UTF_8);
            return get(name).filter(a -> a.value().keys().stream().anyMatch(k -> k.sha256().equals(hash)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    public List<Account> list() throws Exception {
        List<Account> accounts = new ArrayList<>();
        if (zk.checkExists().forPath(ZkPaths.USERS) == null) {
            return accounts;
        }
        for (String name : zk.getChildren().forPath(ZkPaths.USERS)) {
            get(name).ifPresent(a -> accounts.add(a.value()));
        }
        accounts.sort(java.util.Comparator.comparing(Account::name));
        return accounts;
    }

    public Account setPlan(String name, Plan plan) throws Exception {
        Account[] written = new Account[1];
        changeAccount(name, (current, attempt) -> {
            written[0] = current.value().withPlan(plan);
            return List.of(setAccount(current, written[0]));
        });
        return written[0];
    }

    /**
     * The user's webhook secret, made on first use for accounts older than webhooks; {@code rotate} replaces it (the
     * old one stops verifying at once). Returns the secret in force.
     */
    public String webhookSecret(String name, boolean rotate) throws Exception {
        String fresh = ApiKeys.webhookSecret();
        String[] inForce = new String[1];
        changeAccount(name, (current, attempt) -> {
            String secret = current.value().webhookSecret();
            if (attempt > 0 && fresh.equals(secret) || !rotate && secret != null) {
                inForce[0] = secret; // ours committed before a lost reply, or there is one and we keep it
                return null;
            }
            inForce[0] = fresh;
            return List.of(setAccount(current, current.value().withWebhookSecret(fresh)));
        });
        return inForce[0];
    }

    /** A further key for the account; returns the key (shown once). */
    public String addKey(String name, long nowMillis) throws Exception {
        String key = ApiKeys.generate();
        String hash = ApiKeys.sha256(key);
        changeAccount(name, (current, attempt) -> {
            if (current.value().keys().stream().anyMatch(k -> k.sha256().equals(hash))) {
                return null;  // our earlier try committed
            }
            return List.of(setAccount(current, current.value().withKey(new ApiKey(ApiKeys.idOf(hash), hash, nowMillis))),
                    zk.transactionOp().create().forPath(ZkPaths.key(hash), name.getBytes(StandardCharsets.UTF_8)));
        });
        return key;
    }

    /** Revokes one key by its id; the key stops working at once. */
    public void revokeKey(String name, String keyId) throws Exception {
        changeAccount(name, (current, attempt) -> {
            Optional<ApiKey> key = current.value().keys().stream().filter(k -> k.id().equals(keyId)).findFirst();
            if (key.isEmpty() && attempt > 0) {
                return null;  // gone since our first read: our own earlier try (a retried commit) or another revoke
            }
            if (key.isEmpty()) {
                throw new AccountException("user '" + name + "' has no key '" + keyId + "'; `users list` shows key ids");
            }
            List<CuratorOp> ops = new ArrayList<>(List.of(setAccount(current, current.value().withoutKey(keyId))));
            if (zk.checkExists().forPath(ZkPaths.key(key.get().sha256())) != null) {
                ops.add(zk.transactionOp().delete().forPath(ZkPaths.key(key.get().sha256())));
            }
            return ops;
        });
    }

    /** One change of an account: the operations to commit, given the account as read now; null when nothing is left to do. */
    private interface Change {
        List<CuratorOp> ops(Versioned<Account> current, int attempt) throws Exception;
    }

    /** Reads, changes and commits with the account's version; a race (or our own retried commit) re-reads and tries again. */
    private void changeAccount(String name, Change change) throws Exception {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<CuratorOp> ops = change.ops(require(name), attempt);
            if (ops == null) {
                return;
            }
            try {
                zk.transaction().forOperations(ops);
                return;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                     | KeeperException.NoNodeException raced) {
                // re-read and try again
            }
        }
        throw new AccountException("user '" + name + "' kept changing; try again");
    }

    private CuratorOp setAccount(Versioned<Account> current, Account next) throws Exception {
        return zk.transactionOp().setData().withVersion(current.version())
                .forPath(ZkPaths.user(next.name()), Json.write(next));
    }

    private void ensureParents() throws Exception {
        for (String path : List.of(ZkPaths.USERS, ZkPaths.KEYS)) {
            if (zk.checkExists().forPath(path) == null) {
                try {
                    zk.create().creatingParentsIfNeeded().forPath(path);
                } catch (KeeperException.NodeExistsException concurrently) {
                    // fine
                }
            }
        }
    }

    private static void requireName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new AccountException("user name '" + name
                    + "' must be 1-32 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
    }
}
