package dev.imagine.api.history;

import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.store.LifecycleRules;
import dev.imagine.core.zk.JobStore;
import dev.imagine.history.Archiver;
import dev.imagine.history.ArchiverLoop;
import dev.imagine.history.JobHistory;
import dev.imagine.history.UserDirectory;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's background storage work: the ZooKeeper-to-PostgreSQL archiver and the image lifecycle, both only in
 * the process that holds the archiver latch.
 */
public final class HistoryService implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryService.class);

    private final ZooKeeperConnection zk;
    private final JobHistory history;
    private final Duration retention;
    private final Duration archiveEvery;
    private final String processId;
    private volatile ArchiverLoop archiver;
    private final ImageStore images;
    private final LifecycleRules rules;
    private final Duration lifecycleEvery;
    private final ScheduledExecutorService lifecycle = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "image-lifecycle");
        thread.setDaemon(true);
        return thread;
    });

    public HistoryService(ZooKeeperConnection zk, JobHistory history, ImageStore images, Duration retention,
                          Duration archiveEvery, LifecycleRules rules, Duration lifecycleEvery, String processId) {
        this.zk = zk;
        this.history = history;
        this.retention = retention;
        this.archiveEvery = archiveEvery;
        this.processId = processId;
        this.images = images;
        this.rules = rules;
        this.lifecycleEvery = lifecycleEvery;
    }

    @Override
    public void start() throws Exception {
        CuratorFramework client = zk.client();
        Archiver pass = new Archiver(new JobStore(client), history, new UserDirectory(history.jdbi()), images, retention,
                Clock.systemUTC(), job -> { });
        archiver = new ArchiverLoop(client, pass, archiveEvery, processId);
        archiver.start();
        lifecycle.scheduleWithFixedDelay(this::applyLifecycle, lifecycleEvery.toMillis(), lifecycleEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void applyLifecycle() {
        if (archiver == null || !archiver.isLeader()) {
            return;
        }
        try {
            ImageStore.LifecycleReport report = images.applyLifecycle(rules);
            LOG.info("Image lifecycle: {} objects moved colder, {} previews deleted, {} corrupt left in place",
                    report.movedColder(), report.previewsDeleted(), report.corrupt());
        } catch (Exception e) {
            LOG.warn("Image lifecycle pass failed: {}", e.toString());
        }
    }

    @Override
    public void stop() throws Exception {
        lifecycle.shutdownNow();
        if (archiver != null) {
            archiver.close();
        }
    }
}
