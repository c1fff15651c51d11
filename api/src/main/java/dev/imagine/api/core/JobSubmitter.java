package dev.imagine.api.core;

import dev.imagine.core.job.JobIds;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.Lane;
import dev.imagine.core.prompt.PromptParser;
import dev.imagine.core.zk.JobStore;
import java.time.Clock;

/**
 * Parse, validate, queue: the whole accept path. Nothing is written unless the prompt is valid, and
 * then the job record and its lane entry are written together in one ZooKeeper transaction.
 */
public final class JobSubmitter {
    private final PromptParser parser;
    private final ZooKeeperConnection zk;
    private final Clock clock;

    public JobSubmitter(PromptParser parser, ZooKeeperConnection zk, Clock clock) {
        this.parser = parser;
        this.zk = zk;
        this.clock = clock;
    }

    public JobRecord submit(String prompt, Lane lane, String user) throws Exception {
        JobSpec spec = parser.parse(prompt, lane);
        long now = clock.millis();
        JobRecord job = JobRecord.queued(JobIds.next(now), user, spec, now);
        new JobStore(zk.client()).submit(job);
        return job;
    }
}
