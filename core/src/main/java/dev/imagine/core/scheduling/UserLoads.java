package dev.imagine.core.scheduling;

import dev.imagine.core.account.Account;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.ZkPaths;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' running counts and limits for the dispatch snapshot, from a cache of {@code /users}. The cache may
 * lag; that only affects order: the running limit itself is checked again inside each dispatch transaction.
 */
public final class UserLoads implements UserLoadSource {
    private static final Logger LOG = LoggerFactory.getLogger(UserLoads.class);

    private final CuratorCache users;

    public UserLoads(CuratorCache users) {
        this.users = users;
    }

    @Override
    public Map<String, UserLoad> of(Set<String> names) {
        Map<String, UserLoad> loads = new HashMap<>();
        for (String name : names) {
            account(name).ifPresent(a -> loads.put(name, new UserLoad(name, a.running(), a.plan().maxRunning(),
                    a.lastDispatchedAtMillis())));
        }
        return loads;
    }

    private Optional<Account> account(String name) {
        Optional<ChildData> data = users.get(ZkPaths.user(name));
        if (data.isEmpty() || data.get().getData() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(data.get().getData(), Account.class));
        } catch (RuntimeException e) {
            LOG.warn("Account {} is unreadable ({}); its jobs are dispatched uncapped", name, e.toString());
            return Optional.empty();
        }
    }
}
