package dev.imagine.core.zk;

import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.job.DeadLetter;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.job.SlotFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

/**
 * Every ZooKeeper read and write of the job protocol. State changes that belong together are one
 * ZooKeeper transaction, guarded by the job record's version, so a crash between two writes can
 * neither lose nor duplicate a job, and of two racing writers exactly one wins.
 *
 * <p>Each transition that changes how many jobs a user has waiting or running also compare-and-sets the
 * user's account znode in the same transaction, so the live counters are exact: a lost race on the account
 * alone (another job of the same user moved) is re-read and retried; a lost race on the job is lost.
 */
public final class JobStore {
    /** Claims a job may have before a failure is final. */
    public static final int MAX_ATTEMPTS = 3;

    /** Retries of a transaction whose only conflict was the user's account moving under it. */
    private static final int ACCOUNT_RETRIES = 50;

    private final CuratorFramework zk;
    private final AccountStore accounts;
    /** Slots whose assignment folder this store has made sure of: a dispatch then costs no existence check. */
    private final java.util.Set<String> knownSlotFolders = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public JobStore(CuratorFramework zk) {
        this.zk = zk;
        this.accounts = new AccountStore(zk);
    }

    /**
     * The plan rules of one submission, applied to the submitter's account as it is in the transaction:
     * returns the job to write (its lane may change, e.g. to Relax) and the account after it, or throws
     * to refuse (nothing is written).
     */
    public interface Admission {
        Admitted admit(Account account);
    }

    public record Admitted(JobRecord job, Account account) {
    }

    public CuratorFramework client() {
        return zk;
    }

    /** Creates the fixed parents once; safe to call from every process at start. */
    public void ensureLayout() throws Exception {
        List<String> parents = new ArrayList<>(List.of(ZkPaths.JOBS, ZkPaths.ASSIGN, ZkPaths.LEASES, ZkPaths.USERS, ZkPaths.KEYS, ZkPaths.DLQ,
                ZkPaths.FAILURES, ZkPaths.BREAKERS, ZkPaths.FINISHED, ZkPaths.WEBHOOKS, ZkPaths.DISCORD,
                ZkPaths.GANG_ENDPOINTS));
        for (Lane lane : Lane.values()) {
            parents.add(ZkPaths.lane(lane));
        }
        for (String path : parents) {
            ensurePath(path);
        }
        ensureLaneBuckets();
    }

    /** Whether {@link #ensureLayout} has finished here: the last thing it creates is there. */
    public boolean layoutReady() throws Exception {
        Lane last = Lane.values()[Lane.values().length - 1];
        return zk.checkExists().forPath(ZkPaths.laneBucket(last, LaneBuckets.all().getLast())) != null;
    }

    /**
     * Creates every lane's buckets (once: the last bucket there means all are), and moves entries of the
     * layout before buckets, written straight under the lane, into their buckets with their names kept.
     */
    private void ensureLaneBuckets() throws Exception {
        List<String> buckets = LaneBuckets.all();
        for (Lane lane : Lane.values()) {
            if (zk.checkExists().forPath(ZkPaths.laneBucket(lane, buckets.getLast())) == null) {
                for (String bucket : buckets) {
                    ensurePath(ZkPaths.laneBucket(lane, bucket));
                }
            }
            for (String name : zk.getChildren().forPath(ZkPaths.lane(lane))) {
                if (!LaneBuckets.isBucket(name)) {
                    moveIntoBucket(lane, name);
                }
            }
        }
    }

    private void moveIntoBucket(Lane lane, String name) throws Exception {
        String old = ZkPaths.lane(lane) + "/" + name;
        LaneEntry entry;
        try {
            entry = LaneEntry.parse(lane, name);
        } catch (IllegalArgumentException malformed) {
            new Quarantine(zk).laneEntry(lane, old, name, malformed.getMessage());
            return;
        }
        try {
            zk.transaction().forOperations(zk.transactionOp().delete().forPath(old),
                    zk.transactionOp().create().forPath(entry.path()));
        } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException raced) {
            // another process moved it first
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

    /** Job record and lane entry in one transaction: a job is queued entirely or not at all. Counts it if its user has an account. */
    public void submit(JobRecord job) throws Exception {
        if (!commitCounted(job.user(), a -> a.withCounts(1, 0), submitOps(job))) {
            throw new IllegalStateException("job " + job.id() + " already exists");
        }
    }

    /**
     * Admits and queues one job of {@code user}'s in one transaction with the account's compare-and-set, so a
     * limit holds exactly with any number of API processes submitting at once.
     *
     * @return the job as written (the admission may have changed its lane)
     */
    public JobRecord submit(String user, Admission admission) throws Exception {
        return submit(user, admission, null);
    }

    /**
     * As {@link #submit(String, Admission)}, starting from an account the caller has just read (the API's
     * authentication did): when it is still current, the submission costs no further read.
     */
    public JobRecord submit(String user, Admission admission, Versioned<Account> firstGuess) throws Exception {
        return submit(user, admission, firstGuess, List.of());
    }

    /**
     * A znode created in the submission's own transaction: an idempotency record (one key makes at most one job: a
     * second submission with the key fails on the record's create, NodeExists, and writes nothing), or the job's
     * webhook in the outbox (it exists exactly when the job does).
     *
     * @param path its path; the parent must exist
     * @param data what to keep under it, made from the job as admitted (e.g. the answer to replay)
     */
    public record CreatedWithJob(String path, java.util.function.Function<JobRecord, byte[]> data) {
    }

    /** As above, with any number of extra znodes in the same transaction. */
    public JobRecord submit(String user, Admission admission, Versioned<Account> firstGuess, List<CreatedWithJob> extras)
            throws Exception {
        for (int attempt = 0; attempt < ACCOUNT_RETRIES; attempt++) {
            Versioned<Account> account = attempt == 0 && firstGuess != null ? firstGuess : accounts.require(user);
            Admitted admitted = admission.admit(account.value());
            List<CuratorOp> ops = submitOps(admitted.job());
            ops.add(zk.transactionOp().setData().withVersion(account.version())
                    .forPath(ZkPaths.user(user), Json.write(admitted.account())));
            for (CreatedWithJob extra : extras) {
                ops.add(zk.transactionOp().create().forPath(extra.path(), extra.data().apply(admitted.job())));
            }
            try {
                zk.transaction().forOperations(ops);
                return admitted.job();
            } catch (KeeperException.NodeExistsException e) {
                // Curator retried after a lost reply and our first try had committed: the id is fresh and random,
                // so a record under it from this user with this spec is ours (the dispatcher may have moved it on).
                if (get(admitted.job().id()).map(j -> user.equals(j.value().user())
                        && j.value().spec().equals(admitted.job().spec())).orElse(false)) {
                    return admitted.job();
                }
                throw e;
            } catch (KeeperException.BadVersionException accountMoved) {
                // another job of this user moved: re-read the account and apply the rules again
            }
        }
        throw new IllegalStateException("the account of " + user + " kept changing; retry");
    }

    private List<CuratorOp> submitOps(JobRecord job) throws Exception {
        return new ArrayList<>(List.of(
                zk.transactionOp().create().forPath(ZkPaths.job(job.id()), Json.write(job)),
                laneEntryOp(job, false)));
    }

    public Optional<Versioned<JobRecord>> get(String id) throws Exception {
        return get(id, null);
    }

    /** As {@link #get(String)}, leaving {@code watcher} on the record (if it exists) to hear of its next change. */
    public Optional<Versioned<JobRecord>> get(String id, org.apache.zookeeper.Watcher watcher) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = watcher == null ? zk.getData().storingStatIn(stat).forPath(ZkPaths.job(id))
                    : zk.getData().storingStatIn(stat).usingWatcher(watcher).forPath(ZkPaths.job(id));
            return Optional.of(new Versioned<>(Json.read(data, JobRecord.class), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (java.io.UncheckedIOException | IllegalArgumentException unreadable) {
            throw new UnreadableRecordException(id, unreadable);
        }
    }

    /**
     * Entries of one lane in dispatch order (re-queued first, then FIFO), read from every bucket: for operators and
     * tests. The dispatcher and the API keep a {@link LaneIndex} instead of listing each time.
     */
    public List<LaneEntry> laneEntries(Lane lane) throws Exception {
        List<LaneEntry> entries = new ArrayList<>();
        for (String bucket : LaneBuckets.all()) {
            entries.addAll(bucketEntries(zk, lane, bucket));
        }
        entries.sort(LaneEntry.DISPATCH_ORDER);
        return entries;
    }

    /** One bucket's entries; a malformed name is not ours to dispatch and must not stop the lane: quarantined. */
    static List<LaneEntry> bucketEntries(CuratorFramework zk, Lane lane, String bucket) throws Exception {
        List<String> names;
        try {
            names = zk.getChildren().forPath(ZkPaths.laneBucket(lane, bucket));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        List<LaneEntry> entries = new ArrayList<>(names.size());
        for (String name : names) {
            try {
                LaneEntry entry = LaneEntry.parse(lane, name);
                if (!LaneBuckets.of(entry.jobId()).equals(bucket)) {
                    throw new IllegalArgumentException("lane entry '" + name + "' is in bucket " + bucket
                            + ", not its job's " + LaneBuckets.of(entry.jobId()));
                }
                entries.add(entry);
            } catch (IllegalArgumentException malformed) {
                new Quarantine(zk).laneEntry(lane, ZkPaths.laneBucket(lane, bucket) + "/" + name, name,
                        malformed.getMessage());
            }
        }
        return entries;
    }

    /** Waiting jobs of one lane, from every bucket's child count (one read per bucket). */
    public int laneDepth(Lane lane) throws Exception {
        int depth = 0;
        for (String bucket : LaneBuckets.all()) {
            Stat stat = zk.checkExists().forPath(ZkPaths.laneBucket(lane, bucket));
            depth += stat == null ? 0 : stat.getNumChildren();
        }
        return depth;
    }

    /** Creates a fixed parent (e.g. a user's idempotency folder) if it is missing; safe to race. */
    public void ensureParent(String path) throws Exception {
        ensurePath(path);
    }

    /** Deletes one lane entry whose job is gone or no longer QUEUED; never touches the job record. */
    public void removeStaleLaneEntry(LaneEntry entry) throws Exception {
        try {
            zk.delete().forPath(entry.path());
        } catch (KeeperException.NoNodeException alreadyGone) {
            // removed concurrently: fine
        }
    }

    /**
     * Lane entry out, assignment in, record DISPATCHED, the user's counters moved: one transaction, or nothing
     * if the job moved, the slot holds another job, or its user is at the plan's running limit.
     */
    public boolean dispatch(LaneEntry entry, Versioned<JobRecord> job, String slot, long nowMillis)
            throws Exception {
        return dispatch(entry, job, List.of(slot), nowMillis);
    }

    /**
     * Dispatches a job to one slot, or to a sequence-parallel gang of slots (rank 0 first): every slot is reserved in
     * the same transaction or none is. Each must hold no assignment now and has its folder's version bumped, so two
     * gangs (or a gang and a single job) that saw the same free slot cannot both commit: one wins the whole of its
     * gang, the other nothing. Nothing is held between passes, so no two gangs can wait on each other.
     */
    public boolean dispatch(LaneEntry entry, Versioned<JobRecord> job, List<String> slots, long nowMillis)
            throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(zk.transactionOp().delete().forPath(entry.path()));
        for (String slot : slots) {
            if (knownSlotFolders.add(slot)) {
                ensurePath(ZkPaths.slotAssignments(slot));
            }
            // The slot is checked in the transaction too: it must hold no assignment now, and its folder's version is
            // bumped, so of two dispatchers that saw it free (a leader and one just deposed) exactly one wins.
            Stat slotStat = new Stat();
            try {
                if (!zk.getChildren().storingStatIn(slotStat).forPath(ZkPaths.slotAssignments(slot)).isEmpty()) {
                    return false;
                }
            } catch (KeeperException.NoNodeException removed) {
                knownSlotFolders.remove(slot);
                return false;
            }
            ops.add(zk.transactionOp().setData().withVersion(slotStat.getVersion())
                    .forPath(ZkPaths.slotAssignments(slot), new byte[0]));
            ops.add(zk.transactionOp().create().forPath(ZkPaths.assignment(slot, job.value().id())));
        }
        JobRecord dispatched = slots.size() == 1 ? job.value().dispatchedTo(slots.get(0), nowMillis)
                : job.value().dispatchedToGang(slots, nowMillis);
        ops.add(setRecord(job, dispatched));
        // The user's running limit is checked again here, on the account as it is in this transaction.
        return commitCounted(job.value().user(),
                a -> a.running() >= a.plan().maxRunning() ? null : a.dispatched(nowMillis), ops);
    }

    /** The assignments of a gang's other ranks, still there: they go in the same transaction as rank 0's. */
    private List<CuratorOp> gangAssignmentOps(JobRecord job) throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        if (job.gang() != null) {
            for (String rankSlot : job.gang()) {
                if (!rankSlot.equals(job.slot())
                        && zk.checkExists().forPath(ZkPaths.assignment(rankSlot, job.id())) != null) {
                    ops.add(zk.transactionOp().delete().forPath(ZkPaths.assignment(rankSlot, job.id())));
                }
            }
        }
        return ops;
    }

    /**
     * The worker's claim: an ephemeral lease (it vanishes with the worker's session) holding {@code leaseOwner},
     * a token unique to this claim, the slot's busy marker (ephemeral too, with the same token) and the record
     * PROCESSING, together. Returns the record's new version, or empty if the job moved. A retry whose first try
     * committed finds our own lease and record: that is ours.
     *
     * <p>The busy marker outlives the job's lease when the job is taken back (a hung kernel): the slot is free
     * only once its worker, done with the run, says so ({@link #release}, or the completing transaction).
     */
    public Optional<Versioned<JobRecord>> claim(Versioned<JobRecord> job, JobRecord processing, String leaseOwner)
            throws Exception {
        byte[] owner = leaseOwner.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<CuratorTransactionResult> results = commitForResults(
                zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.lease(job.value().id()), owner),
                zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.busy(processing.slot()), owner),
                setRecord(job, processing));
        if (results != null) {
            return Optional.of(new Versioned<>(processing, results.get(2).getResultStat().getVersion()));
        }
        try {
            if (java.util.Arrays.equals(zk.getData().forPath(ZkPaths.lease(job.value().id())), owner)) {
                return get(job.value().id()).filter(current -> current.value().equals(processing));
            }
        } catch (KeeperException.NoNodeException gone) {
            // not ours
        }
        return Optional.empty();
    }

    /**
     * Removes a busy marker this session left on {@code slot} (a release that failed on a lost connection).
     * Only a worker holding the slot's run lock may call it: no run of its own is in progress then.
     */
    public void clearOwnStaleBusy(String slot) throws Exception {
        Stat stat = zk.checkExists().forPath(ZkPaths.busy(slot));
        if (stat != null && stat.getEphemeralOwner() == zk.getZookeeperClient().getZooKeeper().getSessionId()) {
            try {
                zk.delete().withVersion(stat.getVersion()).forPath(ZkPaths.busy(slot));
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
                // gone already
            }
        }
    }

    /**
     * Compare-and-set of the record alone (progress, UPLOADING). Empty if someone else moved it. A version
     * conflict whose cause is our own write (Curator retried after the reply was lost) is recognised by
     * re-reading: "is it what I wrote?"
     */
    public Optional<Versioned<JobRecord>> update(Versioned<JobRecord> job, JobRecord next) throws Exception {
        try {
            Stat stat = zk.setData().withVersion(job.version()).forPath(ZkPaths.job(next.id()), Json.write(next));
            return Optional.of(new Versioned<>(next, stat.getVersion()));
        } catch (KeeperException.BadVersionException conflict) {
            return get(next.id()).filter(current -> current.value().equals(next));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /**
     * After a lost race: whether the job is already as we meant to leave it, its lease and its assignment on
     * {@code formerSlot} gone — our own commit, retried by Curator after its reply was lost.
     */
    private boolean alreadyWritten(JobRecord intended, String formerSlot) throws Exception {
        return get(intended.id()).map(current -> current.value().equals(intended)).orElse(false)
                && !hasLease(intended.id())
                && (formerSlot == null || zk.checkExists().forPath(ZkPaths.assignment(formerSlot, intended.id())) == null);
    }

    /**
     * Terminal write of a worker: record COMPLETED, its assignment and its lease removed. Fails (false)
     * if the lease is gone: the job was already handed to someone else, and this result is dropped.
     */
    public boolean complete(Versioned<JobRecord> job, JobRecord completed) throws Exception {
        // The charge rides on the job's own versioned write: whatever retries happened, it is made once.
        List<CuratorOp> ops = new ArrayList<>(List.of(setRecord(job, completed),
                zk.transactionOp().delete().forPath(ZkPaths.lease(completed.id())),
                zk.transactionOp().delete().forPath(ZkPaths.assignment(completed.slot(), completed.id())),
                // the worker is done with the slot: free in the same write, no extra one per job
                zk.transactionOp().delete().forPath(ZkPaths.busy(completed.slot())),
                finishedOp(completed.id())));
        ops.addAll(gangAssignmentOps(job.value()));
        return commitCounted(completed.user(), a -> a.withCounts(0, -1).charged(completed.chargedMillis(),
                        completed.completedAtMillis()), ops)
                || alreadyWritten(completed, completed.slot());
    }

    /**
     * The image check refused an uploading grid: {@code next} is either the job QUEUED again with a new seed (to the
     * front of its lane: it has waited its turn once) or REJECTED for good (marked finished). Lease, assignment and
     * the slot's busy marker go in the same transaction, as in {@link #complete}; nothing is charged.
     */
    public boolean moderated(Versioned<JobRecord> uploading, JobRecord next) throws Exception {
        JobRecord current = uploading.value();
        boolean again = next.state() == JobState.QUEUED;
        List<CuratorOp> ops = new ArrayList<>(List.of(setRecord(uploading, next),
                zk.transactionOp().delete().forPath(ZkPaths.lease(current.id())),
                zk.transactionOp().delete().forPath(ZkPaths.assignment(current.slot(), current.id())),
                zk.transactionOp().delete().forPath(ZkPaths.busy(current.slot()))));
        ops.addAll(gangAssignmentOps(current));
        ops.add(again ? laneEntryOp(next, true) : finishedOp(current.id()));
        return commitCounted(current.user(), a -> again ? a.withCounts(1, -1) : a.withCounts(0, -1), ops)
                || alreadyWritten(next, current.slot());
    }

    /**
     * Why an attempt ended and what it means for the policy: whether it uses up an attempt the claim did not
     * count (a claim that never came), and whether the slot is to blame (its circuit breaker counts it).
     */
    public record Retry(String reason, boolean countsAsAttempt, boolean blamesSlot) {
        /** Not the job's fault nor the slot's: an operator, a participant that left, an eviction. */
        public static Retry of(String reason) {
            return new Retry(reason, false, false);
        }

        /** The slot failed the job: a kernel error, a run that stopped making progress. */
        public static Retry slotFault(String reason) {
            return new Retry(reason, false, true);
        }

        /** The slot never claimed the job: counts as an attempt, and against the slot. */
        public static Retry claimTimeout(String reason) {
            return new Retry(reason, true, true);
        }
    }

    /** {@link #retry} for a reason that is neither the job's nor the slot's fault. */
    public boolean requeue(Versioned<JobRecord> job, String reason, long nowMillis) throws Exception {
        return retry(job, Retry.of(reason), nowMillis);
    }

    /**
     * Ends the job's current attempt: back to the front of its lane, removing the assignment and the lease it
     * had (a still-running worker then fails its next versioned write and stops), with the attempt in its
     * history and, if the slot is to blame, a failure for the slot's breaker, all in one transaction. A job
     * that has had {@link #MAX_ATTEMPTS} goes to the dead-letter queue instead: a job that breaks its workers
     * must not take them all down, nor be lost.
     */
    public boolean retry(Versioned<JobRecord> job, Retry retry, long nowMillis) throws Exception {
        JobRecord current = job.value();
        JobRecord ended = current.attemptEnded(retry.reason(), retry.countsAsAttempt(), nowMillis);
        List<CuratorOp> ops = new ArrayList<>();
        JobRecord next;
        if (ended.attempts() >= MAX_ATTEMPTS) {
            next = ended.failed("gave up after " + ended.attempts() + " attempts; last: " + retry.reason(), nowMillis);
            ops.add(setRecord(job, next));
            ops.add(zk.transactionOp().create().forPath(ZkPaths.deadLetter(current.id()), Json.write(
                    new DeadLetter(current.id(), current.user(), current.spec().lane(), next.error(), nowMillis, next))));
        } else {
            next = ended.requeued(retry.reason(), nowMillis);
            ops.add(setRecord(job, next));
            ops.add(laneEntryOp(next, true));
        }
        ops.addAll(cleanupOps(current));
        if (retry.blamesSlot() && current.slot() != null) {
            ensurePath(ZkPaths.slotFailures(current.slot()));
            ops.add(zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(ZkPaths.slotFailures(current.slot()) + "/f-",
                            Json.write(new SlotFailure(current.id(), retry.reason(), nowMillis))));
        }
        boolean dead = next.state() == JobState.FAILED;
        return commitCounted(current.user(), a -> dead ? a.withCounts(0, -1) : a.withCounts(1, -1), ops)
                || alreadyWritten(next, current.slot());
    }

    /** The dead letters, oldest first; an unreadable one is reported by its id with a null job. */
    public List<DeadLetter> deadLetters() throws Exception {
        List<DeadLetter> letters = new ArrayList<>();
        for (String id : zk.getChildren().forPath(ZkPaths.DLQ)) {
            deadLetter(id).ifPresent(letters::add);
        }
        letters.sort(java.util.Comparator.comparingLong(DeadLetter::deadAtMillis));
        return letters;
    }

    public int deadLetterDepth() throws Exception {
        Stat stat = zk.checkExists().forPath(ZkPaths.DLQ);
        return stat == null ? 0 : stat.getNumChildren();
    }

    public Optional<DeadLetter> deadLetter(String id) throws Exception {
        try {
            return Optional.of(Json.read(zk.getData().forPath(ZkPaths.deadLetter(id)), DeadLetter.class));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (java.io.UncheckedIOException | IllegalArgumentException unreadable) {
            return Optional.of(new DeadLetter(id, null, null, "unreadable: " + unreadable.getMessage(), 0, null));
        }
    }

    /**
     * A dead letter back to the front of its lane with its attempts reset (its history kept), the letter
     * removed, the user's waiting count raised: one transaction. An operator's act, so the plan's waiting
     * limit does not refuse it. False if the letter or the job moved meanwhile.
     */
    public boolean replay(String id, long nowMillis) throws Exception {
        Optional<Versioned<JobRecord>> job = get(id);
        if (job.isEmpty() || job.get().value().state() != JobState.FAILED || deadLetter(id).isEmpty()) {
            return false;
        }
        JobRecord queued = job.get().value().replayed(nowMillis);
        return commitCounted(queued.user(), a -> a.withCounts(1, 0),
                List.of(setRecord(job.get(), queued), laneEntryOp(queued, true),
                        zk.transactionOp().delete().forPath(ZkPaths.deadLetter(id))))
                || get(id).map(current -> current.value().equals(queued)).orElse(false)
                        && deadLetter(id).isEmpty();
    }

    /**
     * Forgets a dead letter (the job stays FAILED); false if there was none. A delete that Curator retried after its
     * first try committed finds nothing: the letter was there when we looked, so it is dropped.
     */
    public boolean dropDeadLetter(String id) throws Exception {
        if (zk.checkExists().forPath(ZkPaths.deadLetter(id)) == null) {
            return false;
        }
        try {
            // FAILED for good now: finished, so the archiver hands it to the history.
            zk.transaction().forOperations(zk.transactionOp().delete().forPath(ZkPaths.deadLetter(id)), finishedOp(id));
        } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException goneMeanwhile) {
            // ours, retried, or another operator's at the same moment: dropped either way
            markDroppedLetter(id);
        }
        return true;
    }

    /**
     * After a drop whose transaction did not go through as written (a retry whose first try committed, another
     * operator's drop, or a replay that took the letter first): marks the job finished only if it is still FAILED
     * with no letter, guarded by its version. A replayed job must never be marked: its completion creates the
     * marker, and would fail if one were there.
     */
    void markDroppedLetter(String id) throws Exception {
        Optional<Versioned<JobRecord>> job = get(id);
        if (job.isEmpty() || job.get().value().state() != JobState.FAILED
                || zk.checkExists().forPath(ZkPaths.deadLetter(id)) != null) {
            return;
        }
        try {
            zk.transaction().forOperations(
                    zk.transactionOp().check().withVersion(job.get().version()).forPath(ZkPaths.job(id)), finishedOp(id));
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                 | KeeperException.NoNodeException movedOrMarked) {
            // replayed since the read, or marked already
        }
    }

    private CuratorOp finishedOp(String id) throws Exception {
        return zk.transactionOp().create().forPath(ZkPaths.finished(id));
    }

    /** A marker whose record is gone (removed by hand, or by an archiver that died before removing the marker). */
    public void dropFinishedMarker(String id) throws Exception {
        try {
            zk.delete().forPath(ZkPaths.finished(id));
        } catch (KeeperException.NoNodeException alreadyGone) {
            // another archiver's, or our own retried delete
        }
    }

    /** The finished jobs still in ZooKeeper, waiting for the archiver. */
    public List<String> finishedIds() throws Exception {
        return zk.getChildren().forPath(ZkPaths.FINISHED);
    }

    /** Marks a finished job for the archiver (jobs finished before markers existed); true if it was not marked. */
    public boolean markFinished(String id) throws Exception {
        try {
            zk.create().forPath(ZkPaths.finished(id));
            return true;
        } catch (KeeperException.NodeExistsException already) {
            return false;
        } catch (KeeperException.NoNodeException noFolder) {
            ensurePath(ZkPaths.FINISHED);
            return markFinished(id);
        }
    }

    /**
     * Removes a finished job that is safely in the history: its record (if still at {@code job}'s version) and its
     * marker, in one transaction. A record already gone (a retry whose first try committed, another archiver) is
     * success; a changed record (a replayed dead letter) is not (false), and the next pass looks again.
     */
    public boolean forget(Versioned<JobRecord> job) throws Exception {
        String id = job.value().id();
        try {
            zk.transaction().forOperations(zk.transactionOp().delete().withVersion(job.version()).forPath(ZkPaths.job(id)),
                    zk.transactionOp().delete().forPath(ZkPaths.finished(id)));
            return true;
        } catch (KeeperException.BadVersionException changed) {
            return false;
        } catch (KeeperException.NoNodeException gone) {
            if (zk.checkExists().forPath(ZkPaths.job(id)) != null) {
                // the record is there, the marker is not: forget the record alone, at its version
                try {
                    zk.delete().withVersion(job.version()).forPath(ZkPaths.job(id));
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
                    return zk.checkExists().forPath(ZkPaths.job(id)) == null;
                }
                return true;
            }
            try {
                zk.delete().forPath(ZkPaths.finished(id));
            } catch (KeeperException.NoNodeException alsoGone) {
                // nothing left
            }
            return true;
        }
    }

    /**
     * Lets go of a claim: the job's lease (the job, PROCESSING without one, is then re-queued by the
     * dispatcher's recovery) and the slot's busy marker (the slot is free again), each only if it holds
     * {@code leaseOwner}, the claim's own token. Called once the run is over, whatever its outcome.
     */
    public void release(String jobId, String slot, String leaseOwner) throws Exception {
        deleteIfOwned(ZkPaths.lease(jobId), leaseOwner);
        deleteIfOwned(ZkPaths.busy(slot), leaseOwner);
    }

    private void deleteIfOwned(String path, String owner) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(path);
            if (owner.equals(new String(data, java.nio.charset.StandardCharsets.UTF_8))) {
                zk.delete().withVersion(stat.getVersion()).forPath(path);
            }
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
            // nothing of ours to release
        }
    }

    /** Deletes of the job's assignment and lease, for those that exist now (a transaction fails if one vanishes). */
    private List<CuratorOp> cleanupOps(JobRecord job) throws Exception {
        List<CuratorOp> ops = new ArrayList<>(gangAssignmentOps(job));
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
        JobRecord cancelled = current.cancelled(reason, nowMillis);
        List<CuratorOp> ops = new ArrayList<>(List.of(setRecord(job, cancelled), finishedOp(current.id())));
        for (LaneEntry entry : bucketEntries(zk, current.spec().lane(), LaneBuckets.of(current.id()))) {
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
        ops.addAll(gangAssignmentOps(current));
        boolean waiting = current.state() == JobState.QUEUED;
        return commitCounted(current.user(), a -> waiting ? a.withCounts(-1, 0) : a.withCounts(0, -1), ops)
                || alreadyWritten(cancelled, current.slot());
    }

    public boolean hasLease(String jobId) throws Exception {
        return zk.checkExists().forPath(ZkPaths.lease(jobId)) != null;
    }

    public List<String> slotsWithAssignments() throws Exception {
        return zk.getChildren().forPath(ZkPaths.ASSIGN);
    }

    /** Ids of the jobs assigned to {@code slot} (its busy marker is not one). */
    public List<String> assignments(String slot) throws Exception {
        List<String> ids = new ArrayList<>(slotChildren(slot));
        ids.remove(ZkPaths.BUSY);
        return ids;
    }

    /** A slot is free when nothing is assigned to it and its worker is not still busy with an earlier run. */
    public boolean slotIsFree(String slot) throws Exception {
        return slotChildren(slot).isEmpty();
    }

    public boolean slotIsBusy(String slot) throws Exception {
        return zk.checkExists().forPath(ZkPaths.busy(slot)) != null;
    }

    private List<String> slotChildren(String slot) throws Exception {
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
                .forPath(ZkPaths.laneEntry(job.spec().lane(), job.id(),
                        LaneEntry.prefix(job.id(), job.spec().modelVersion(), job.user(), requeued)));
    }

    private CuratorOp setRecord(Versioned<JobRecord> job, JobRecord next) throws Exception {
        return zk.transactionOp().setData().withVersion(job.version()).forPath(ZkPaths.job(next.id()), Json.write(next));
    }

    /**
     * Commits the job's operations together with a compare-and-set of its user's account, changed by
     * {@code change} (null from {@code change} refuses: nothing is written). A user without an account
     * (jobs written before accounts, tests) is not counted. A conflict on the account alone is retried on a
     * fresh read; any other conflict is a lost race (false).
     */
    private boolean commitCounted(String user, UnaryOperator<Account> change, List<CuratorOp> ops) throws Exception {
        for (int attempt = 0; attempt < ACCOUNT_RETRIES; attempt++) {
            Optional<Versioned<Account>> account = user == null ? Optional.empty() : accounts.get(user);
            List<CuratorOp> all = new ArrayList<>(ops);
            if (account.isPresent()) {
                Account next = change.apply(account.get().value());
                if (next == null) {
                    return false;
                }
                all.add(zk.transactionOp().setData().withVersion(account.get().version())
                        .forPath(ZkPaths.user(user), Json.write(next)));
            }
            try {
                zk.transaction().forOperations(all);
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                     | KeeperException.NodeExistsException lostRace) {
                if (account.isEmpty() || !failedAt(lostRace, all.size() - 1)) {
                    return false;
                }
            }
        }
        throw new IllegalStateException("the account of " + user + " kept changing; retry");
    }

    /** Whether a failed multi failed at op {@code index} (ZooKeeper reports the first failing op). */
    private static boolean failedAt(KeeperException failure, int index) {
        List<OpResult> results = failure.getResults();
        if (results == null || results.size() <= index) {
            return false;
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof OpResult.ErrorResult error
                    && error.getErr() != KeeperException.Code.OK.intValue()
                    && error.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                return i == index;
            }
        }
        return false;
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
