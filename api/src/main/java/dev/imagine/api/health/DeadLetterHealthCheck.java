package dev.imagine.api.health;

import com.codahale.metrics.health.HealthCheck;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.zk.JobStore;

/**
 * Reports the dead-letter queue's depth: healthy while it is empty, unhealthy (so alerts fire) once any job has
 * used up its attempts; {@code imagine dlq list} tells which, {@code dlq replay} or {@code dlq drop} settles them.
 * The same depth is the gauge {@code imagine.dlq.depth}.
 */
public final class DeadLetterHealthCheck extends HealthCheck {
    private final ZooKeeperConnection zk;

    public DeadLetterHealthCheck(ZooKeeperConnection zk) {
        this.zk = zk;
    }

    public int depth() throws Exception {
        return new JobStore(zk.client()).deadLetterDepth();
    }

    @Override
    protected Result check() throws Exception {
        int depth = depth();
        return depth == 0
                ? Result.builder().healthy().withMessage("no dead letters").withDetail("depth", 0).build()
                : Result.builder().unhealthy().withMessage(depth + " dead letter(s); see `imagine dlq list`")
                        .withDetail("depth", depth).build();
    }
}
