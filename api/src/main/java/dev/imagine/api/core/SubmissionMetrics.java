package dev.imagine.api.core;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.imagine.api.errors.ApiException;
import dev.imagine.api.errors.BadRequestException;
import dev.imagine.api.moderation.ModerationRefusedException;
import dev.imagine.core.account.LimitExceededException;
import dev.imagine.core.job.Lane;
import dev.imagine.core.prompt.PromptException;
import java.util.Locale;

/**
 * What the admin port's {@code /metrics} shows of the accept path: {@code imagine.submissions.accepted},
 * {@code imagine.submissions.refused.<reason>} (moderation.&lt;category&gt;, limit.&lt;limit&gt;, invalid.&lt;field&gt;,
 * or the status), the {@code imagine.accept.latency} timer (accepted submissions, parse to ZooKeeper commit) and
 * {@code imagine.queue.depth.<lane>}.
 */
public final class SubmissionMetrics {
    private final MetricRegistry registry;
    private final Timer latency;

    public SubmissionMetrics(MetricRegistry registry, LanesCache lanes) {
        this.registry = registry;
        this.latency = registry.timer("imagine.accept.latency");
        for (Lane lane : Lane.values()) {
            registry.register("imagine.queue.depth." + lane.pathName(), (Gauge<Integer>) () -> {
                try {
                    return lanes.depth(lane);
                } catch (Exception unreadable) {
                    return -1;
                }
            });
        }
    }

    public void accepted(long startNanos) {
        latency.update(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        registry.meter("imagine.submissions.accepted").mark();
    }

    public void refused(Throwable why) {
        registry.meter("imagine.submissions.refused." + reason(why)).mark();
    }

    static String reason(Throwable why) {
        String reason = switch (why) {
            case ModerationRefusedException m -> "moderation." + m.category();
            case LimitExceededException l -> "limit." + l.limit();
            case PromptException p -> "invalid." + (p.field() == null ? "prompt" : p.field().replaceFirst("^--", ""));
            case BadRequestException b -> "invalid." + (b.field() == null ? "body" : b.field());
            case ApiException a -> "status." + a.getResponse().getStatus();
            default -> "error";
        };
        return reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "_");
    }
}
