package dev.imagine.api.health;

import com.codahale.metrics.health.HealthCheck;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.moderation.TextModeration;
import dev.imagine.core.moderation.KnownImageClassifier;

/**
 * Moderation ready: the prompt filter has a policy, and the participants' known-image list can be read (unreadable, the
 * image check fails closed and nothing is delivered).
 */
public final class ModerationHealthCheck extends HealthCheck {
    private final TextModeration text;
    private final ZooKeeperConnection zk;

    public ModerationHealthCheck(TextModeration text, ZooKeeperConnection zk) {
        this.text = text;
        this.zk = zk;
    }

    @Override
    protected Result check() {
        String problem = text.problem();
        if (problem != null) {
            return Result.unhealthy("prompt filter unavailable, submissions refused: " + problem);
        }
        try {
            int entries = KnownImageClassifier.list(zk.client()).entries().size();
            return Result.healthy("prompt filter ready; " + entries + " known images listed");
        } catch (RuntimeException e) {
            return Result.unhealthy("image check unavailable, nothing is delivered: " + e.getMessage());
        }
    }
}
