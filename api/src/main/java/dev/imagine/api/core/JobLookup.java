package dev.imagine.api.core;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import dev.imagine.history.JobHistory;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds a job where it is: ZooKeeper while live, PostgreSQL once archived (the archiver writes there first, so a job
 * is never in neither). A job read from the history has version -1. A caller sees only their own jobs.
 */
public final class JobLookup {
    private static final Pattern ID = Pattern.compile("[a-z0-9]{1,20}-[a-z0-9]{1,20}");

    private final ZooKeeperConnection zk;
    private final JobHistory history;

    /** @param history null: finished jobs stay in ZooKeeper */
    public JobLookup(ZooKeeperConnection zk, JobHistory history) {
        this.zk = zk;
        this.history = history;
    }

    public Optional<Versioned<JobRecord>> find(String id) throws Exception {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Optional<Versioned<JobRecord>> live = new JobStore(zk.client()).get(id);
        if (live.isEmpty() && history != null) {
            live = history.find(id).map(job -> new Versioned<>(job, -1));
        }
        return live;
    }

    /** The caller's own job; another user's is as absent as one that never existed. */
    public Optional<Versioned<JobRecord>> findOwn(String id, String caller) throws Exception {
        return find(id).filter(job -> caller.equals(job.value().user()));
    }
}
