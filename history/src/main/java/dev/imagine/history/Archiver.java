package dev.imagine.history;

import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.UnreadableRecordException;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands finished jobs from ZooKeeper to PostgreSQL. Each finished job has a marker ({@code /finished/<id>}, made by
 * the transaction that finished it). A pass copies each marked job to the history as soon as it sees it (so the
 * history shows it finished within a pass), and once the job has been finished for longer than the retention it
 * writes it once more, as archived, and only then removes record and marker from ZooKeeper in one versioned
 * transaction. Dying between the two writes leaves the job in both places; the next pass writes it again (an upsert:
 * the same row, the same single charge) and removes it. A record changed since it was read is not removed.
 */
public final class Archiver {
    private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);

    private final JobStore store;
    private final AccountStore accounts;
    private final JobHistory history;
    private final UserDirectory users;
    private final ImageStore images;
    private final Duration retention;
    private final Clock clock;
    private final Consumer<JobRecord> afterHistoryWrite;
    /**
     * The marked jobs this process has copied, and when each finished: a pass reads a marked job only the first time
     * and once it is due, so that a pass over thousands of finished jobs in their retention costs one listing.
     * A finished record does not change (the one exception, a dead letter, is only marked once dropped).
     */
    private final Map<String, Long> copied = new HashMap<>();
    private final Map<String, Integer> userVersions = new HashMap<>();

    /**
     * @param images            where the previews of archived jobs are released (null: leave them to the lifecycle)
     * @param afterHistoryWrite runs between the history write and the ZooKeeper removal (tests kill the process here)
     */
    public Archiver(JobStore store, JobHistory history, UserDirectory users, ImageStore images, Duration retention,
                    Clock clock, Consumer<JobRecord> afterHistoryWrite) {
        this.store = store;
        this.accounts = new AccountStore(store.client());
        this.history = history;
        this.users = users;
        this.images = images;
        this.retention = retention;
        this.clock = clock;
        this.afterHistoryWrite = afterHistoryWrite;
    }

    /** What one pass did. */
    public record Pass(int copied, int archived, int waiting) {
    }

    /**
     * Marks finished jobs that have no marker: those finished before markers existed, and a dropped dead letter whose
     * marker was lost with a retried write. Run once per leadership; reads every job record once.
     */
    public int markUnmarked() throws Exception {
        Set<String> marked = new HashSet<>(store.finishedIds());
        int made = 0;
        for (String id : store.jobIds()) {
            if (marked.contains(id)) {
                continue;
            }
            try {
                Optional<Versioned<JobRecord>> job = store.get(id);
                if (job.isPresent() && job.get().value().state().isTerminal()
                        && store.client().checkExists().forPath(ZkPaths.deadLetter(id)) == null && store.markFinished(id)) {
                    made++;
                }
            } catch (UnreadableRecordException unreadable) {
                LOG.warn("Job {} is unreadable and stays in ZooKeeper: {}", id, unreadable.getMessage());
            }
        }
        return made;
    }

    public Pass pass() throws Exception {
        long now = clock.millis();
        int copiedNow = 0;
        int archived = 0;
        int waiting = 0;
        List<String> marked = store.finishedIds();
        copied.keySet().retainAll(new HashSet<>(marked));
        Map<String, String> plans = new HashMap<>();
        for (String id : marked) {
            Long finishedAt = copied.get(id);
            if (finishedAt != null && finishedAt + retention.toMillis() > now) {
                waiting++;
                continue;
            }
            Optional<Versioned<JobRecord>> found;
            try {
                found = store.get(id);
            } catch (UnreadableRecordException unreadable) {
                LOG.warn("Finished job {} is unreadable and stays in ZooKeeper: {}", id, unreadable.getMessage());
                continue;
            }
            if (found.isEmpty()) {
                store.dropFinishedMarker(id);
                copied.remove(id);
                continue;
            }
            Versioned<JobRecord> job = found.get();
            JobRecord record = job.value();
            if (!record.state().isTerminal()) {
                // Never made by the protocol; left there, it would fail the job's own completion (NodeExists).
                LOG.warn("Job {} is {} but marked finished; removing the marker", id, record.state());
                store.dropFinishedMarker(id);
                continue;
            }
            boolean due = record.completedAtMillis() + retention.toMillis() <= now;
            String plan = plans.computeIfAbsent(record.user(), this::planOf);
            if (due) {
                history.write(record, plan, now);
                afterHistoryWrite.accept(record);
                if (store.forget(job)) {
                    copied.remove(id);
                    releasePreview(record);
                    archived++;
                }
            } else {
                waiting++;
                history.write(record, plan, 0);
                copied.put(id, record.completedAtMillis());
                copiedNow++;
            }
        }
        return new Pass(copiedNow, archived, waiting);
    }

    /** Copies every account whose version moved since the last call; returns how many. */
    public int mirrorUsers() throws Exception {
        int written = 0;
        for (String name : store.client().getChildren().forPath(ZkPaths.USERS)) {
            Optional<Versioned<Account>> account = accounts.get(name);
            if (account.isPresent() && !Integer.valueOf(account.get().version()).equals(userVersions.get(name))) {
                users.write(account.get().value(), clock.millis());
                userVersions.put(name, account.get().version());
                written++;
            }
        }
        return written;
    }

    private String planOf(String user) {
        try {
            return user == null ? null : accounts.get(user).map(a -> a.value().plan().name()).orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private void releasePreview(JobRecord job) {
        if (images == null || job.preview() == null) {
            return;
        }
        try {
            images.release(job.preview(), ImageStore.previewReferrer(job.id(), job.attempts()));
        } catch (Exception e) {
            LOG.debug("Preview of archived job {} not released ({}); the lifecycle will", job.id(), e.toString());
        }
    }
}
