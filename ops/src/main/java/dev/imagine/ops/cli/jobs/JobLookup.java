package dev.imagine.ops.cli.jobs;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import dev.imagine.ops.cli.CliException;

/** Reads a job by id, or says it is not there; runs an operator's transition against racing writers. */
final class JobLookup {
    /** A versioned transition that keeps losing races is retried this often, re-reading each time. */
    static final int ATTEMPTS = 5;

    /** Throws a {@link CliException} when the job's current state does not allow the transition. */
    interface Check {
        void check(JobRecord current);
    }

    /** One versioned attempt; false when the dispatcher or a worker moved the job first. */
    interface Move {
        boolean apply(Versioned<JobRecord> current) throws Exception;
    }

    /**
     * Reads, checks and moves the job, re-reading after each lost race.
     *
     * @return the record as it was just before the move
     */
    static JobRecord transition(JobStore store, String id, String verb, Check check, Move move) throws Exception {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Versioned<JobRecord> job = require(store, id);
            check.check(job.value());
            if (move.apply(job)) {
                return job.value();
            }
        }
        throw new CliException("job " + id + " kept changing while " + verb + "; try again", 1);
    }

    private JobLookup() {
    }

    static Versioned<JobRecord> require(JobStore store, String id) throws Exception {
        return store.get(id).orElseThrow(() -> new CliException("no job '" + id
                + "' in ZooKeeper (completed jobs stay until history storage arrives; check the id)", 2));
    }
}
