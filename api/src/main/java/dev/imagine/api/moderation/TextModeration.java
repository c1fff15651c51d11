package dev.imagine.api.moderation;

import dev.imagine.api.errors.ApiException;
import dev.imagine.core.moderation.ModerationPolicy;
import dev.imagine.core.moderation.PromptFilter;
import io.dropwizard.lifecycle.Managed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prompt filter before the queue. The policy is the shipped one, or the operator's file, re-read when it changes
 * (an edit takes effect within seconds, without a restart; a broken edit keeps the last good policy and is logged).
 * Fails closed: with no policy loaded every submission is a 503 and the {@code moderation} health check is unhealthy.
 */
public final class TextModeration implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(TextModeration.class);

    private final Path policyFile;
    private final AtomicReference<PromptFilter> filter = new AtomicReference<>();
    private volatile String problem = "not started";
    private volatile FileTime loadedVersion;
    private ScheduledExecutorService reloader;

    /** @param policyFile the operator's policy, or null for the shipped one */
    public TextModeration(Path policyFile) {
        this.policyFile = policyFile;
    }

    @Override
    public void start() {
        load();
        if (policyFile != null) {
            reloader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("policy-reload").factory());
            reloader.scheduleWithFixedDelay(this::reloadIfChanged, 5, 5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void stop() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }

    /**
     * @throws ApiException 400 naming the category when the prompt is refused; 503 when no policy is loaded
     */
    public void check(String prompt) {
        PromptFilter current = filter.get();
        if (current == null) {
            throw new ApiException(503, "moderation is unavailable (" + problem + "); nothing is queued until it is back",
                    "prompt");
        }
        Optional<PromptFilter.Flag> flag = current.check(prompt);
        if (flag.isPresent()) {
            throw new ModerationRefusedException(flag.get());
        }
    }

    /** Null when ready, else why not. */
    public String problem() {
        return filter.get() == null ? problem : null;
    }

    private void load() {
        try {
            ModerationPolicy policy;
            if (policyFile == null) {
                policy = ModerationPolicy.shipped();
            } else {
                loadedVersion = Files.getLastModifiedTime(policyFile);
                policy = ModerationPolicy.read(policyFile);
            }
            filter.set(new PromptFilter(policy));
            problem = null;
            LOG.info("Moderation policy {}: {} terms in {}", policyFile == null ? ModerationPolicy.SHIPPED : policyFile,
                    policy.termCount(), policy.categories().keySet());
        } catch (Exception e) {
            problem = "policy " + policyFile + " could not be read: " + e.getMessage();
            if (filter.get() == null) {
                LOG.error("Moderation unavailable: {}", problem);
            } else {
                LOG.error("Moderation policy edit refused, the previous policy stays: {}", problem);
            }
        }
    }

    private void reloadIfChanged() {
        try {
            FileTime now = Files.getLastModifiedTime(policyFile);
            if (!now.equals(loadedVersion)) {
                load();
            }
        } catch (Exception e) {
            if (filter.get() == null) {
                problem = "policy " + policyFile + " could not be read: " + e.getMessage();
            }
        }
    }
}
