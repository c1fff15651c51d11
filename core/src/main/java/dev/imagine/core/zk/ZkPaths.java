package dev.imagine.core.zk;

import dev.imagine.core.job.Lane;

/**
 * The ZooKeeper layout of live state, relative to the Curator namespace {@link #NAMESPACE}
 * (Helix treats every root znode as a cluster, so ours live under one root of their own).
 *
 * <pre>
 * /jobs/&lt;id&gt;               job record (JSON, versioned)
 * /lanes/&lt;lane&gt;/&lt;bucket&gt;/&lt;entry&gt;  queue entry → job id, in the bucket its id hashes to ({@link LaneBuckets});
 *                          "r-" entries (re-queued) sort before "n-" (new)
 * /assign/&lt;slot&gt;/&lt;id&gt;      dispatcher → the participant that owns the slot
 * /leases/&lt;id&gt;             EPHEMERAL, held by the worker while PROCESSING
 * /leader/dispatcher       LeaderLatch of the dispatcher
 * /users/&lt;name&gt;           account: plan, key hashes, live counters (JSON, versioned)
 * /keys/&lt;sha256&gt;          API key hash → user name
 * /planner/state           the planner's memory (last swaps, arrival rates): a new leader carries on
 * /quarantine/&lt;name&gt;       a lane entry or job record that could not be read, with the reason
 * /idempotency/&lt;user&gt;/&lt;sha256&gt;  an Idempotency-Key's submission: the job it made and the answer to replay
 * /assign/&lt;slot&gt;/~busy    EPHEMERAL, the slot's worker is running a job (until the worker itself says it is done)
 * /dlq/&lt;id&gt;                a dead letter: a job that used up its attempts, with its whole context
 * /failures/&lt;slot&gt;/f-&lt;seq&gt;  one failure blamed on a slot (kernel error, no progress, no claim), for its breaker
 * /breakers/&lt;slot&gt;         an open circuit breaker: the slot is disabled until a health check passes
 * /finished/&lt;id&gt;           a finished job the archiver has not handed to PostgreSQL yet
 * /webhooks/&lt;id&gt;           a job's completion webhook, created with the job, deleted once delivered (or given up)
 * /leader/webhooks         LeaderLatch of the one API process delivering webhooks
 * /discord/&lt;id&gt;            a job asked for from Discord: where its progress and grid go, deleted once delivered
 * </pre>
 */
public final class ZkPaths {
    public static final String NAMESPACE = "imagine";
    public static final String JOBS = "/jobs";
    public static final String LANES = "/lanes";
    public static final String ASSIGN = "/assign";
    public static final String LEASES = "/leases";
    public static final String DISPATCHER_LEADER = "/leader/dispatcher";
    /** Latch of the one API process that hands finished jobs to PostgreSQL. */
    public static final String ARCHIVER_LEADER = "/leader/archiver";
    public static final String USERS = "/users";
    public static final String KEYS = "/keys";
    public static final String PLANNER_STATE = "/planner/state";
    public static final String IDEMPOTENCY = "/idempotency";
    public static final String QUARANTINE = "/quarantine";
    public static final String DLQ = "/dlq";
    public static final String FAILURES = "/failures";
    public static final String BREAKERS = "/breakers";
    /** One empty node per finished job, made by the transaction that finished it: what the archiver hands over. */
    public static final String FINISHED = "/finished";
    /** The outbox of completion webhooks: one child per job submitted with a {@code callbackUrl}. */
    public static final String WEBHOOKS = "/webhooks";
    public static final String WEBHOOKS_LEADER = "/leader/webhooks";
    /** The outbox of Discord deliveries: one child per job asked for from Discord (progress edits, the grid). */
    public static final String DISCORD = "/discord";
    public static final String DISCORD_LEADER = "/leader/discord";
    /** Per slot, the tensor endpoint (host:port) of the participant holding it: ephemeral, gone with its session. */
    public static final String GANG_ENDPOINTS = "/gang-endpoints";
    /** The child of a slot's assignment folder that says its worker is busy; never a job id (ids have no '~'). */
    public static final String BUSY = "~busy";

    /** Prefix of a fresh lane entry. */
    public static final String NEW_ENTRY = "n-";
    /** Prefix of a re-queued entry: sorts before every fresh one, so it goes to the front of the lane. */
    public static final String REQUEUED_ENTRY = "r-";

    private ZkPaths() {
    }

    public static String gangEndpoint(String slot) {
        return GANG_ENDPOINTS + "/" + slot;
    }

    public static String discord(String id) {
        return DISCORD + "/" + id;
    }

    public static String webhook(String id) {
        return WEBHOOKS + "/" + id;
    }

    public static String job(String id) {
        return JOBS + "/" + id;
    }

    public static String lane(Lane lane) {
        return LANES + "/" + lane.pathName();
    }

    public static String laneBucket(Lane lane, String bucket) {
        return lane(lane) + "/" + bucket;
    }

    /** Where an entry of {@code jobId} lives: the bucket is the id's. */
    public static String laneEntry(Lane lane, String jobId, String entry) {
        return laneBucket(lane, LaneBuckets.of(jobId)) + "/" + entry;
    }

    public static String slotAssignments(String slot) {
        return ASSIGN + "/" + slot;
    }

    public static String assignment(String slot, String jobId) {
        return slotAssignments(slot) + "/" + jobId;
    }

    public static String busy(String slot) {
        return slotAssignments(slot) + "/" + BUSY;
    }

    public static String finished(String jobId) {
        return FINISHED + "/" + jobId;
    }

    public static String deadLetter(String jobId) {
        return DLQ + "/" + jobId;
    }

    public static String slotFailures(String slot) {
        return FAILURES + "/" + slot;
    }

    public static String breaker(String slot) {
        return BREAKERS + "/" + slot;
    }

    public static String user(String name) {
        return USERS + "/" + name;
    }

    public static String key(String sha256) {
        return KEYS + "/" + sha256;
    }

    public static String idempotencyFolder(String user) {
        return IDEMPOTENCY + "/" + user;
    }

    public static String idempotency(String user, String keySha256) {
        return idempotencyFolder(user) + "/" + keySha256;
    }

    public static String lease(String jobId) {
        return LEASES + "/" + jobId;
    }
}
