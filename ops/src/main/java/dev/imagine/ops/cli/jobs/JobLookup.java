package dev.imagine.ops.cli.jobs;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import dev.imagine.ops.cli.CliException;

/** Reads a job by id, or says it is not there. */
final class JobLookup {
    /** A versioned transition that keeps losing races is retried this often, re-reading each time. */
    static final int ATTEMPTS = 5;

    private JobLookup() {
    }

    static Versioned<JobRecord> require(JobStore store, String id) throws Exception {
        return store.get(id).orElseThrow(() -> new CliException("no job '" + id
                + "' in ZooKeeper (completed jobs stay until history storage arrives; check the id)", 2));
    }
}
