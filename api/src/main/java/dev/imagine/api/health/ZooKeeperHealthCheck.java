package dev.imagine.api.health;

import com.codahale.metrics.health.HealthCheck;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.zk.ZkPaths;

/** Healthy only if ZooKeeper answers a real read of the queue layout, not merely if a socket is open. */
public final class ZooKeeperHealthCheck extends HealthCheck {
    private final ZooKeeperConnection zk;

    public ZooKeeperHealthCheck(ZooKeeperConnection zk) {
        this.zk = zk;
    }

    @Override
    protected Result check() throws Exception {
        if (!zk.client().getZookeeperClient().isConnected()) {
            return Result.unhealthy("not connected to ZooKeeper at " + zk.address());
        }
        return zk.client().checkExists().forPath(ZkPaths.LANES) != null
                ? Result.healthy()
                : Result.unhealthy("ZooKeeper at " + zk.address() + " has no queue layout yet");
    }
}
