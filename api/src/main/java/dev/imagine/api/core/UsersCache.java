package dev.imagine.api.core;

import dev.imagine.core.scheduling.UserLoad;
import dev.imagine.core.scheduling.UserLoadSource;
import dev.imagine.core.scheduling.UserLoads;
import dev.imagine.core.zk.ZkPaths;
import io.dropwizard.lifecycle.Managed;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.recipes.cache.CuratorCache;

/** A cache of {@code /users} for queue positions (users' running counts); limits never rely on it. */
public final class UsersCache implements Managed, UserLoadSource {
    private final ZooKeeperConnection zk;
    private CuratorCache cache;
    private UserLoads loads;

    public UsersCache(ZooKeeperConnection zk) {
        this.zk = zk;
    }

    @Override
    public void start() throws Exception {
        new dev.imagine.core.zk.JobStore(zk.client()).ensureLayout();
        cache = CuratorCache.build(zk.client(), ZkPaths.USERS);
        cache.start();
        loads = new UserLoads(cache);
    }

    @Override
    public void stop() {
        if (cache != null) {
            cache.close();
        }
    }

    @Override
    public Map<String, UserLoad> of(Set<String> names) {
        return loads.of(names);
    }
}
