package dev.imagine.api.core;

import dev.imagine.api.errors.ApiException;
import dev.imagine.core.account.Account;
import dev.imagine.core.account.LimitExceededException;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobIds;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.Lane;
import dev.imagine.core.prompt.PromptParser;
import dev.imagine.api.dto.SubmitResponse;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.ZkPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.imagine.api.moderation.TextModeration;
import dev.imagine.api.webhooks.CallbackUrls;
import dev.imagine.api.webhooks.OutboxEntry;
import org.apache.zookeeper.KeeperException;
import dev.imagine.core.zk.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * Parse, check, queue: the whole accept path. Nothing is written unless the prompt is valid and the plan
 * allows it; then the job record, its lane entry and the user's counters are written in one ZooKeeper
 * transaction, with the plan's rules applied to the account as that transaction sees it.
 */
public final class JobSubmitter {
    private final PromptParser parser;
    private final ZooKeeperConnection zk;
    private final LanesCache lanes;
    private final Clock clock;
    private final int maxRelaxDepth;
    private final ClusterView cluster;
    private java.util.function.Consumer<JobRecord> accepted = job -> { };
    private TextModeration moderation;
    private CallbackUrls callbacks;
    private SubmissionMetrics metrics;

    public JobSubmitter(PromptParser parser, ZooKeeperConnection zk, LanesCache lanes, Clock clock, int maxRelaxDepth,
                        ClusterView cluster) {
        this.parser = parser;
        this.zk = zk;
        this.lanes = lanes;
        this.clock = clock;
        this.maxRelaxDepth = maxRelaxDepth;
        this.cluster = cluster;
    }

    /** Told of every job accepted (the history's recorder), after ZooKeeper has it. */
    public JobSubmitter onAccepted(java.util.function.Consumer<JobRecord> listener) {
        this.accepted = listener;
        return this;
    }

    /** The answer to a submission; {@code replayed} when an Idempotency-Key found an earlier one. */
    public record Submission(SubmitResponse response, boolean replayed) {
    }

    /** The checks before the queue that are not the plan's: the prompt filter and the callback URL's rules. */
    public JobSubmitter withFrontChecks(TextModeration moderation, CallbackUrls callbacks, SubmissionMetrics metrics) {
        this.moderation = moderation;
        this.callbacks = callbacks;
        this.metrics = metrics;
        return this;
    }

    /** A znode under {@code folder}, named after the job, created in the submission's transaction (an outbox entry). */
    public record PerJob(String folder, java.util.function.Function<JobRecord, byte[]> data) {
    }

    /**
     * A prompt, with its optional callback URL and any further outbox entries (a Discord delivery) made in the same
     * transaction.
     *
     * @param idempotencyKey the request's {@code Idempotency-Key}, or null
     */
    public Submission submit(String prompt, String mode, Lane requested, String callbackUrl,
                             Versioned<Account> authenticated, String idempotencyKey, List<PerJob> perJob)
            throws Exception {
        String fingerprint = Idempotency.fingerprint(callbackUrl == null ? prompt : prompt + "\u0000" + callbackUrl, mode);
        return accept(() -> parser.parse(prompt, requested), prompt, fingerprint, callbackUrl, authenticated, idempotencyKey,
                perJob);
    }

    /**
     * A job made from an earlier one (an action): its spec is built by the caller from the parent; the same filter,
     * limits and charge apply as to any job. {@code text} is what the filter reads (a remix's new prompt).
     */
    public Submission submitDerived(JobSpec spec, String text, String fingerprint, String callbackUrl,
                                    Versioned<Account> authenticated, String idempotencyKey, List<PerJob> perJob)
            throws Exception {
        return accept(() -> spec, text, Idempotency.fingerprint(fingerprint, callbackUrl), callbackUrl, authenticated,
                idempotencyKey, perJob);
    }

    private Submission accept(java.util.function.Supplier<JobSpec> specs, String text, String fingerprint,
                              String callbackUrl, Versioned<Account> authenticated, String idempotencyKey,
                              List<PerJob> perJob) throws Exception {
        long start = System.nanoTime();
        try {
            Submission submission = acceptChecked(specs, text, fingerprint, callbackUrl, authenticated, idempotencyKey,
                    perJob);
            if (metrics != null && !submission.replayed()) {
                metrics.accepted(start);
            }
            return submission;
        } catch (RuntimeException refused) {
            if (metrics != null) {
                metrics.refused(refused);
            }
            throw refused;
        }
    }

    private Submission acceptChecked(java.util.function.Supplier<JobSpec> specs, String text, String fingerprint,
                                     String callbackUrl, Versioned<Account> authenticated, String idempotencyKey,
                                     List<PerJob> perJob) throws Exception {
        List<PerJob> outbox = new ArrayList<>(perJob);
        if (callbackUrl != null) {
            if (callbacks == null) {
                throw new ApiException(400, "this API delivers no webhooks; submit without callbackUrl", "callbackUrl");
            }
            callbacks.check(callbackUrl);
            long now = clock.millis();
            String user = authenticated.value().name();
            outbox.add(new PerJob(ZkPaths.WEBHOOKS, job -> Json.write(OutboxEntry.create(callbackUrl, user, now))));
        }
        if (idempotencyKey == null) {
            return new Submission(responseOf(queue(specs, text, authenticated, outbox, null)), false);
        }
        Idempotency.validate(idempotencyKey);
        String user = authenticated.value().name();
        String path = Idempotency.path(user, idempotencyKey);
        Optional<SubmitResponse> earlier = Idempotency.replay(zk.client(), path, fingerprint, clock.millis());
        if (earlier.isPresent()) {
            return new Submission(earlier.get(), true);
        }
        JobStore store = new JobStore(zk.client());
        store.ensureParent(ZkPaths.idempotencyFolder(user));
        long now = clock.millis();
        JobStore.CreatedWithJob record = new JobStore.CreatedWithJob(path,
                job -> Json.write(new Idempotency.Stored(fingerprint, now, responseOf(job))));
        try {
            return new Submission(responseOf(queue(specs, text, authenticated, outbox, record)), false);
        } catch (KeeperException.NodeExistsException raced) {
            // A concurrent request with the same key won the create: answer with its job.
            return new Submission(Idempotency.replay(zk.client(), path, fingerprint, now).orElseThrow(() -> raced), true);
        }
    }

    public static SubmitResponse responseOf(JobRecord job) {
        return new SubmitResponse(job.id(), JobState.QUEUED.name(), job.spec().seed(), job.spec().lane().pathName(),
                job.note(), "/v1/jobs/" + job.id(), dev.imagine.api.dto.JobView.ignoredWords(job.spec()));
    }

    private JobRecord queue(java.util.function.Supplier<JobSpec> specs, String text, Versioned<Account> authenticated,
                            List<PerJob> outbox, JobStore.CreatedWithJob idempotency) throws Exception {
        Account caller = authenticated.value();
        JobSpec spec = specs.get();
        if (moderation != null) {
            moderation.check(text);
        }
        cluster.check(spec.modelVersion());
        if (spec.lane() == Lane.RELAX && !caller.plan().relaxIncluded()) {
            throw new ApiException(403, "Relax mode is not part of the " + caller.plan().key()
                    + " plan; submit with --fast or --turbo, or move to the standard plan or above", "mode");
        }
        JobStore store = new JobStore(zk.client());
        long now = clock.millis();
        // Read once, outside the transaction (backpressure is a threshold, not an exact count), and only for a
        // job that is or may become Relax.
        boolean mayRelax = spec.lane() == Lane.RELAX || caller.fastMillisLeft(now) <= 0;
        int relaxDepth = mayRelax ? lanes.depth(Lane.RELAX) : 0;
        String id = JobIds.next(now);
        // outbox entries are named after the job, known only now
        List<JobStore.CreatedWithJob> named = new ArrayList<>();
        for (PerJob entry : outbox) {
            named.add(new JobStore.CreatedWithJob(entry.folder() + "/" + id, entry.data()));
        }
        if (idempotency != null) {
            named.add(idempotency);
        }
        JobRecord job = store.submit(caller.name(), account -> admit(account, spec, id, now, relaxDepth), authenticated,
                named);
        accepted.accept(job);
        return job;
    }

    private JobStore.Admitted admit(Account account, JobSpec spec, String id, long now, int relaxDepth) {
        Plan plan = account.plan();
        if (account.waiting() >= plan.maxWaiting()) {
            throw new LimitExceededException("waiting", "you have " + account.waiting() + " jobs waiting, the most the "
                    + plan.key() + " plan allows; submit again when one has started", 10);
        }
        JobSpec admitted = spec;
        String note = null;
        if (spec.lane() != Lane.RELAX && account.fastMillisLeft(now) <= 0) {
            if (!plan.relaxIncluded()) {
                throw new LimitExceededException("fast-time", "your Fast time for this month ("
                        + hours(plan.fastMillisPerMonth()) + " h on the " + plan.key() + " plan) is used up; it renews on "
                        + nextMonth(now) + " UTC", secondsToNextMonth(now));
            }
            admitted = spec.withLane(Lane.RELAX);
            note = "Fast time used up this month: moved from " + spec.lane().pathName() + " to relax";
        }
        if (admitted.lane() == Lane.RELAX && relaxDepth >= maxRelaxDepth) {
            throw new LimitExceededException("relax-depth", "the Relax queue is full (" + relaxDepth
                    + " jobs waiting); try again in a minute, or use --fast", 60);
        }
        JobRecord job = JobRecord.queued(id, account.name(), admitted, now).withNote(note);
        return new JobStore.Admitted(job, account.withCounts(1, 0));
    }

    private static String hours(long millis) {
        return String.valueOf(Math.round(millis / 360_000.0) / 10.0).replaceAll("\\.0$", "");
    }

    private static String nextMonth(long now) {
        return YearMonth.from(Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC)).plusMonths(1).atDay(1).toString();
    }

    private static long secondsToNextMonth(long now) {
        Instant next = YearMonth.from(Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC)).plusMonths(1).atDay(1)
                .atStartOfDay().toInstant(ZoneOffset.UTC);
        return Math.max(1, Duration.between(Instant.ofEpochMilli(now), next).toSeconds());
    }
}
