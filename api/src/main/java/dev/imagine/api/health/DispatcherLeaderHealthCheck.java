package dev.imagine.api.health;

import com.codahale.metrics.health.HealthCheck;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.zk.ZkPaths;
import java.util.List;

/** A dispatcher holds its leader latch: without one, jobs are accepted but none start. */
public final class DispatcherLeaderHealthCheck extends HealthCheck {
    private final ZooKeeperConnection zk;

    public DispatcherLeaderHealthCheck(ZooKeeperConnection zk) {
        this.zk = zk;
    }

    @Override
    protected Result check() throws Exception {
        List<String> candidates = zk.client().checkExists().forPath(ZkPaths.DISPATCHER_LEADER) == null ? List.of()
                : zk.client().getChildren().forPath(ZkPaths.DISPATCHER_LEADER);
        return candidates.isEmpty()
                ? Result.unhealthy("no controller holds " + ZkPaths.DISPATCHER_LEADER + ": accepted jobs will not start")
                : Result.healthy(candidates.size() + " controller(s) in the election");
    }
}
