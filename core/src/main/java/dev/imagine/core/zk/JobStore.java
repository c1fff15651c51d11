package dev.imagine.core.zk;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Every ZooKeeper read and write of the job protocol. State changes that belong together are one
 * ZooKeeper transaction, guarded by the job record's version, so a crash between two writes can
 * neither lose nor duplicate a job, and of two racing writers exactly one wins.
 */
public final class JobStore {
    /** Claims a job may have before a failure is final. */
    public static final int MAX_ATTEMPTS = 3;

    private final CuratorFramework zk;

    public JobStore(CuratorFramework zk) {
        this.zk = zk;
    }

    public CuratorFramework client() {
        return zk;
    }

    /** Creates the fixed parents once; safe to call from every process at start. */
    public void ensureLayout() throws Exception {
        List<String> parents = new ArrayList<>(List.of(ZkPaths.JOBS, ZkPaths.ASSIGN, ZkPaths.LEASES));
        for (Lane lane : Lane.values()) {
            parents.add(ZkPaths.lane(lane));
        }
        for (String path : parents) {
            ensurePath(path);
        }
    }

    private void ensurePath(String path) throws Exception {
        if (zk.checkExists().forPath(path) != null) {
            return;
        }
        try {
            zk.create().creatingParentsIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException alreadyThere) {
            // created concurrently: fine
        }
    }

    /** Job record and lane entry in one transaction: a job is queued entirely or not at all. */
    public void submit(JobRecord job) throws Exception {
        zk.transaction().forOperations(
                zk.transactionOp().create().forPath(ZkPaths.job(job.id()), Json.write(job)),
                laneEntryOp(job, false));
    }

    public Optional<Versioned<JobRecord>> get(String id) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.job(id));
            return Optional.of(new Versioned<>(Json.read(data, JobRecord.class), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** Entries of one lane in dispatch order (re-queued first, then FIFO). */
    public List<LaneEntry> laneEntries(Lane lane) throws Exception {
        List<LaneEntry> entries = new ArrayList<>();
        for (String name : zk.getChildren().forPath(ZkPaths.lane(lane))) {
            entries.add(LaneEntry.parse(lane, name));
        }
        entries.sort(LaneEntry.DISPATCH_ORDER);
        return entries;
    }

    public int laneDepth(Lane lane) throws Exception {
        Stat stat = zk.checkExists().forPath(ZkPaths.lane(lane));
        return stat == null ? 0 : stat.getNumChildren();
    }

    /** Deletes one lane entry whose job is gone or no longer QUEUED; never touches the job record. */
    public void removeStaleLaneEntry(LaneEntry entry) throws Exception {
        try {
            zk.delete().forPath(entry.path());
        } catch (KeeperException.NoNodeException alreadyGone) {
            // removed concurrently: fine
        }
    }

    /** Lane entry out, assignment in, record DISPATCHED: one transaction, or nothing if the job moved. */
    public boolean dispatch(LaneEntry entry, Versioned<JobRecord> job, String slot, long nowMillis)
            throws Exception {
        ensurePath(ZkPaths.slotAssignments(slot));
        return commit(
                zk.transactionOp().delete().forPath(entry.path()),
                zk.transactionOp().create().forPath(ZkPaths.assignment(slot, job.value().id())),
                setRecord(job, job.value().dispatchedTo(slot, nowMillis)));
    }

    /**
     * The worker's claim: an ephemeral lease (it vanishes with the worker's session) and the
     * record PROCESSING, together. Returns the record's new version, or empty if the job moved.
     */
    public Optional<Versioned<JobRecord>> claim(Versioned<JobRecord> job, JobRecord processing, String worker)
            throws Exception {
        List<CuratorTransactionResult> results = commitForResults(
                zk.transactionOp().create().withMode(CreateMode.EPHEMERAL)
                        .forPath(ZkPaths.lease(job.value().id()), worker.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                setRecord(job, processing));
        return results == null ? Optional.empty()
                : Optional.of(new Versioned<>(processing, results.get(1).getResultStat().getVersion()));
    }

    /** Compare-and-set of the record alone (progress, UPLOADING). Empty if someone else moved it. */
    public Optional<Versioned<JobRecord>> update(Versioned<JobRecord> job, JobRecord next) throws Exception {
        try {
            Stat stat = zk.setData().withVersion(job.version()).forPath(ZkPaths.job(next.id()), Json.write(next));
            return Optional.of(new Versioned<>(next, stat.getVersion()));
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /**
     * Terminal write of a worker: record COMPLETED, its assignment and its lease removed. Fails (false)
     * if the lease is gone: the job was already handed to someone else, and this result is dropped.
     */
    public boolean complete(Versioned<JobRecord> job, JobRecord completed) throws Exception {
        return commit(
                setRecord(job, completed),
                zk.transactionOp().delete().forPath(ZkPaths.lease(completed.id())),
                zk.transactionOp().delete().forPath(ZkPaths.assignment(completed.slot(), completed.id())));
    }

    /** Terminal failure of a claimed job: the record FAILED with its reason, lease and assignment gone. */
    public boolean fail(Versioned<JobRecord> job, String reason, long nowMillis) throws Exception {
        JobRecord failed = job.value().failed(reason, nowMillis);
        return commit(
                setRecord(job, failed),
                zk.transactionOp().delete().forPath(ZkPaths.lease(failed.id())),
                zk.transactionOp().delete().forPath(ZkPaths.assignment(failed.slot(), failed.id())));
    }

    /**
     * Back to the front of its lane, removing the assignment and the lease it had (a still-running worker
     * then fails its next versioned write and stops). A job that was already claimed
     * {@link #MAX_ATTEMPTS} times fails instead: a job that kills its workers must not take them all down.
     */
    public boolean requeue(Versioned<JobRecord> job, String reason, long nowMillis) throws Exception {
        JobRecord current = job.value();
        if (current.attempts() >= MAX_ATTEMPTS && current.state() != JobState.QUEUED) {
            return failWithCleanup(job, current.failed("gave up after " + current.attempts() + " attempts; last: " + reason,
                    nowMillis));
        }
        JobRecord queued = current.requeued(reason, nowMillis);
        List<CuratorOp> ops = new ArrayList<>(List.of(setRecord(job, queued), laneEntryOp(queued, true)));
        ops.addAll(cleanupOps(current));
        return commit(ops.toArray(CuratorOp[]::new));
    }

    /**
     * Drops this worker's lease on a job it can no longer carry (its claim's outcome is unknown, or it failed
     * after claiming): the job, PROCESSING without a lease, is then re-queued by the dispatcher's recovery.
     */
    public void releaseLease(String jobId, String worker) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] owner = zk.getData().storingStatIn(stat).forPath(ZkPaths.lease(jobId));
            if (worker.equals(new String(owner, java.nio.charset.StandardCharsets.UTF_8))) {
                zk.delete().withVersion(stat.getVersion()).forPath(ZkPaths.lease(jobId));
            }
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
            // nothing of ours to release
        }
    }

    private boolean failWithCleanup(Versioned<JobRecord> job, JobRecord failed) throws Exception {
        List<CuratorOp> ops = new ArrayList<>(List.of(setRecord(job, failed)));
        ops.addAll(cleanupOps(job.value()));
        return commit(ops.toArray(CuratorOp[]::new));
    }

    /** Deletes of the job's assignment and lease, for those that exist now (a transaction fails if one vanishes). */
    private List<CuratorOp> cleanupOps(JobRecord job) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        if (job.slot() != null && zk.checkExists().forPath(ZkPaths.assignment(job.slot(), job.id())) != null) {
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.assignment(job.slot(), job.id())));
        }
        if (zk.checkExists().forPath(ZkPaths.lease(job.id())) != null) {
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.lease(job.id())));
        }
        return ops;
    }

    /**
     * An operator's cancel, in one transaction guarded by the record's version: the record CANCELLED,
     * and whatever held the job removed with it (its lane entry, its assignment, its lease). A racing
     * dispatch or claim makes this lose (false), and a cancel that wins makes the worker's next write
     * lose: its progress write cancels the run, and its completion finds the lease gone.
     */
    public boolean cancel(Versioned<JobRecord> job, String reason, long nowMillis) throws Exception {
        JobRecord current = job.value();
        List<CuratorOp> ops = new ArrayList<>(List.of(setRecord(job, current.cancelled(reason, nowMillis))));
        for (LaneEntry entry : laneEntries(current.spec().lane())) {
            if (entry.jobId().equals(current.id())) {
                ops.add(zk.transactionOp().delete().forPath(entry.path()));
            }
        }
        if (current.slot() != null && zk.checkExists().forPath(ZkPaths.assignment(current.slot(), current.id())) != null) {
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.assignment(current.slot(), current.id())));
        }
        if (hasLease(current.id())) {
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.lease(current.id())));
        }
        return commit(ops.toArray(CuratorOp[]::new));
    }

    public boolean hasLease(String jobId) throws Exception {
        return zk.checkExists().forPath(ZkPaths.lease(jobId)) != null;
    }

    public List<String> slotsWithAssignments() throws Exception {
        return zk.getChildren().forPath(ZkPaths.ASSIGN);
    }

    public List<String> assignments(String slot) throws Exception {
        try {
            return zk.getChildren().forPath(ZkPaths.slotAssignments(slot));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    public List<String> jobIds() throws Exception {
        return zk.getChildren().forPath(ZkPaths.JOBS);
    }

    private CuratorOp laneEntryOp(JobRecord job, boolean requeued) throws Exception {
        return zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZkPaths.laneEntry(job.spec().lane(), LaneEntry.prefix(job.id(), job.spec().modelVersion(), requeued)));
    }

    private CuratorOp setRecord(Versioned<JobRecord> job, JobRecord next) throws Exception {
        return zk.transactionOp().setData().withVersion(job.version()).forPath(ZkPaths.job(next.id()), Json.write(next));
    }

    private boolean commit(CuratorOp... ops) throws Exception {
        return commitForResults(ops) != null;
    }

    /** Null when the transaction lost a race (a version, a node that moved); other errors propagate. */
    private List<CuratorTransactionResult> commitForResults(CuratorOp... ops) throws Exception {
        try {
            return zk.transaction().forOperations(ops);
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                 | KeeperException.NodeExistsException lostRace) {
            return null;
        }
    }
}
