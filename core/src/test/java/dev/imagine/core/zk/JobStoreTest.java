package dev.imagine.core.zk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.job.Attempt;
import dev.imagine.core.job.DeadLetter;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job protocol's transactions against a real ZooKeeper server. */
class JobStoreTest {
    @TempDir
    static Path dir;
    static EmbeddedZooKeeper server;
    static CuratorFramework client;
    static JobStore store;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        client = ZkClients.connect(server.connectString(), Duration.ofSeconds(5));
        store = new JobStore(client);
        store.ensureLayout();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static JobRecord job(String id, Lane lane) {
        JobSpec spec = new JobSpec("a fox", "", "v8", 1, 1, 7, 1, 100, 0, lane);
        return JobRecord.queued(id, "tester", spec, 1_000);
    }

    @Test
    void requeuedJobGoesToTheFrontOfItsLane() throws Exception {
        store.submit(job("a-1", Lane.RELAX));
        store.submit(job("a-2", Lane.RELAX));
        var first = store.laneEntries(Lane.RELAX).getFirst();
        assertThat(first.jobId()).isEqualTo("a-1");
        assertThat(first.modelVersion()).isEqualTo("v8");
        var record = store.get("a-1").orElseThrow();
        assertThat(store.dispatch(first, record, "pool_w_0", 2_000)).isTrue();
        assertThat(store.laneEntries(Lane.RELAX)).extracting(LaneEntry::jobId).containsExactly("a-2");

        store.submit(job("a-3", Lane.RELAX));
        assertThat(store.requeue(store.get("a-1").orElseThrow(), "test", 3_000)).isTrue();

        assertThat(store.laneEntries(Lane.RELAX)).extracting(LaneEntry::jobId).containsExactly("a-1", "a-2", "a-3");
        assertThat(store.assignments("pool_w_0")).isEmpty();
        assertThat(store.get("a-1").orElseThrow().value().state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void staleVersionLosesTheRace() throws Exception {
        store.submit(job("b-1", Lane.FAST));
        var entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("b-1")).findFirst().orElseThrow();
        var stale = store.get("b-1").orElseThrow();
        assertThat(store.dispatch(entry, stale, "pool_w_1", 2_000)).isTrue();
        // A second dispatcher holding the old version cannot hand the same job out again.
        assertThat(store.dispatch(entry, stale, "pool_w_9", 2_100)).isFalse();
        assertThat(store.assignments("pool_w_1")).containsExactly("b-1");
        assertThat(store.assignments("pool_w_9")).isEmpty();
    }

    @Test
    void completionFailsOnceTheLeaseIsGone() throws Exception {
        store.submit(job("c-1", Lane.TURBO));
        var entry = store.laneEntries(Lane.TURBO).stream().filter(e -> e.jobId().equals("c-1")).findFirst().orElseThrow();
        store.dispatch(entry, store.get("c-1").orElseThrow(), "pool_w_2", 2_000);
        var dispatched = store.get("c-1").orElseThrow();
        var claimed = store.claim(dispatched, dispatched.value().processingOn("w", 4, 2_500), "w").orElseThrow();
        assertThat(store.hasLease("c-1")).isTrue();

        client.delete().forPath(ZkPaths.lease("c-1"));   // what a session expiry does
        var uploading = store.update(claimed, claimed.value().uploading()).orElseThrow();

        assertThat(store.complete(uploading, uploading.value().completed("c-1.png", 8, 8, 4_000))).isFalse();
        assertThat(store.get("c-1").orElseThrow().value().state()).isEqualTo(JobState.UPLOADING);
    }

    @Test
    void submitWritesRecordAndLaneEntryTogether() throws Exception {
        int before = store.laneDepth(Lane.TURBO);
        store.submit(job("d-1", Lane.TURBO));
        assertThat(store.laneDepth(Lane.TURBO)).isEqualTo(before + 1);
        assertThat(store.get("d-1")).isPresent();
        assertThat(List.of(JobState.values())).contains(store.get("d-1").orElseThrow().value().state());
    }

    @Test
    void cancelOfAQueuedJobTakesItOutOfItsLaneAndADispatchHoldingTheOldVersionLoses() throws Exception {
        store.submit(job("e-1", Lane.RELAX));
        var entry = store.laneEntries(Lane.RELAX).stream().filter(e -> e.jobId().equals("e-1")).findFirst().orElseThrow();
        var queued = store.get("e-1").orElseThrow();

        assertThat(store.cancel(queued, "operator", 2_000)).isTrue();
        assertThat(store.dispatch(entry, queued, "pool_w_5", 2_100)).isFalse();

        assertThat(store.get("e-1").orElseThrow().value().state()).isEqualTo(JobState.CANCELLED);
        assertThat(store.laneEntries(Lane.RELAX)).extracting(LaneEntry::jobId).doesNotContain("e-1");
        assertThat(store.assignments("pool_w_5")).isEmpty();
    }

    @Test
    void cancelLosesToADispatchThatCameFirst() throws Exception {
        store.submit(job("e-2", Lane.RELAX));
        var entry = store.laneEntries(Lane.RELAX).stream().filter(e -> e.jobId().equals("e-2")).findFirst().orElseThrow();
        var queued = store.get("e-2").orElseThrow();
        assertThat(store.dispatch(entry, queued, "pool_w_6", 2_000)).isTrue();

        assertThat(store.cancel(queued, "operator", 2_100)).isFalse();
        assertThat(store.get("e-2").orElseThrow().value().state()).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void cancelOfAProcessingJobRemovesLeaseAndAssignmentSoTheWorkersResultIsDropped() throws Exception {
        store.submit(job("e-3", Lane.FAST));
        var entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("e-3")).findFirst().orElseThrow();
        store.dispatch(entry, store.get("e-3").orElseThrow(), "pool_w_7", 2_000);
        var dispatched = store.get("e-3").orElseThrow();
        var claimed = store.claim(dispatched, dispatched.value().processingOn("w", 4, 3_000), "w").orElseThrow();

        assertThat(store.cancel(store.get("e-3").orElseThrow(), "operator", 3_500)).isTrue();

        assertThat(store.hasLease("e-3")).isFalse();
        assertThat(store.assignments("pool_w_7")).isEmpty();
        assertThat(store.update(claimed, claimed.value().withProgress(2, 4))).isEmpty();
        assertThat(store.get("e-3").orElseThrow().value().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void laneEntryNamesCarryJobAndVersionAndOldNamesStillParse() {
        LaneEntry entry = LaneEntry.parse(Lane.FAST, LaneEntry.prefix("mwwx-abc", "v6", "ann", true) + "0000000042");
        assertThat(entry.jobId()).isEqualTo("mwwx-abc");
        assertThat(entry.modelVersion()).isEqualTo("v6");
        assertThat(entry.requeued()).isTrue();
        assertThat(entry.sequence()).isEqualTo(42);
        LaneEntry old = LaneEntry.parse(Lane.FAST, "n-mwwx-abc-0000000007");
        assertThat(old.jobId()).isEqualTo("mwwx-abc");
        assertThat(old.modelVersion()).isNull();
    }

    @Test
    void aStaleLaneEntryIsRemovedWithoutTouchingItsJob() throws Exception {
        store.submit(job("s-1", Lane.RELAX));
        LaneEntry entry = store.laneEntries(Lane.RELAX).stream().filter(e -> e.jobId().equals("s-1")).findFirst().orElseThrow();
        store.removeStaleLaneEntry(entry);
        store.removeStaleLaneEntry(entry);
        assertThat(store.laneEntries(Lane.RELAX)).noneMatch(e -> e.jobId().equals("s-1"));
        assertThat(store.get("s-1")).isPresent();
    }

    private static Versioned<JobRecord> claimedJob(String id, String slot, String worker) throws Exception {
        store.submit(job(id, Lane.FAST));
        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals(id)).findFirst().orElseThrow();
        store.dispatch(entry, store.get(id).orElseThrow(), slot, 2_000);
        Versioned<JobRecord> dispatched = store.get(id).orElseThrow();
        return store.claim(dispatched, dispatched.value().processingOn(worker, 4, 2_500), worker).orElseThrow();
    }

    @Test
    void requeueTakesTheLeaseOfAWorkerThatIsStillAliveSoTheNextClaimSucceeds() throws Exception {
        Versioned<JobRecord> claimed = claimedJob("f-1", "pool_a_0", "worker-a");

        assertThat(store.requeue(claimed, "operator requeue", 3_000)).isTrue();
        assertThat(store.hasLease("f-1")).isFalse();

        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("f-1")).findFirst().orElseThrow();
        assertThat(entry.requeued()).isTrue();
        assertThat(store.dispatch(entry, store.get("f-1").orElseThrow(), "pool_b_0", 3_100)).isTrue();
        Versioned<JobRecord> again = store.get("f-1").orElseThrow();
        assertThat(store.claim(again, again.value().processingOn("worker-b", 4, 3_200), "worker-b")).isPresent();
        // The first worker, still running, loses its next write.
        assertThat(store.update(claimed, claimed.value().withProgress(2, 4))).isEmpty();
    }

    @Test
    void aJobClaimedTooOftenGoesToTheDeadLetterQueueWithItsHistory() throws Exception {
        Versioned<JobRecord> claimed = claimedJob("g-1", "pool_a_1", "worker-a");
        for (int attempt = 2; attempt <= JobStore.MAX_ATTEMPTS; attempt++) {
            assertThat(store.requeue(claimed, "worker died", 3_000)).isTrue();
            store.release("g-1", "pool_a_1", "worker-a");
            LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("g-1")).findFirst().orElseThrow();
            assertThat(store.dispatch(entry, store.get("g-1").orElseThrow(), "pool_a_1", 3_100)).isTrue();
            Versioned<JobRecord> dispatched = store.get("g-1").orElseThrow();
            claimed = store.claim(dispatched, dispatched.value().processingOn("worker-a", 4, 3_200), "worker-a").orElseThrow();
        }
        assertThat(claimed.value().attempts()).isEqualTo(JobStore.MAX_ATTEMPTS);

        assertThat(store.requeue(claimed, "worker died", 4_000)).isTrue();

        JobRecord failed = store.get("g-1").orElseThrow().value();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error()).contains("gave up after 3 attempts").contains("worker died");
        assertThat(failed.history()).extracting(Attempt::number).containsExactly(1, 2, 3);
        assertThat(failed.history()).allMatch(a -> a.slot().equals("pool_a_1") && a.outcome().equals("worker died"));
        assertThat(store.laneEntries(Lane.FAST)).noneMatch(e -> e.jobId().equals("g-1"));
        assertThat(store.hasLease("g-1")).isFalse();
        assertThat(store.assignments("pool_a_1")).doesNotContain("g-1");
        DeadLetter letter = store.deadLetter("g-1").orElseThrow();
        assertThat(letter.job()).isEqualTo(failed);
        assertThat(store.deadLetterDepth()).isEqualTo(1);

        // Replayed: back at the front of its lane, attempts reset, history kept, the letter gone.
        assertThat(store.replay("g-1", 5_000)).isTrue();
        JobRecord replayed = store.get("g-1").orElseThrow().value();
        assertThat(replayed.state()).isEqualTo(JobState.QUEUED);
        assertThat(replayed.attempts()).isZero();
        assertThat(replayed.history()).hasSize(3);
        assertThat(store.laneEntries(Lane.FAST)).anyMatch(e -> e.jobId().equals("g-1") && e.requeued());
        assertThat(store.deadLetter("g-1")).isEmpty();
        assertThat(store.replay("g-1", 5_001)).isFalse();
    }

    @Test
    void aClaimTimeoutCountsAsAnAttemptAndAgainstTheSlot() throws Exception {
        store.submit(job("ct-1", Lane.FAST));
        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("ct-1")).findFirst().orElseThrow();
        store.dispatch(entry, store.get("ct-1").orElseThrow(), "pool_ct_0", 2_000);

        assertThat(store.retry(store.get("ct-1").orElseThrow(), JobStore.Retry.claimTimeout("no claim"), 70_000)).isTrue();

        JobRecord queued = store.get("ct-1").orElseThrow().value();
        assertThat(queued.attempts()).isEqualTo(1);
        assertThat(queued.history()).singleElement().satisfies(a -> {
            assertThat(a.worker()).isNull();
            assertThat(a.slot()).isEqualTo("pool_ct_0");
        });
        assertThat(client.getChildren().forPath(ZkPaths.slotFailures("pool_ct_0"))).hasSize(1);
        // Never claimed, so nothing holds the slot: it is free again.
        assertThat(store.slotIsFree("pool_ct_0")).isTrue();
    }

    @Test
    void aSlotWhoseJobWasTakenBackStaysBusyUntilItsWorkerSaysItIsDone() throws Exception {
        Versioned<JobRecord> claimed = claimedJob("busy-1", "pool_b_9", "token-1");
        assertThat(store.slotIsBusy("pool_b_9")).isTrue();

        assertThat(store.retry(claimed, JobStore.Retry.slotFault("no progress"), 3_000)).isTrue();

        assertThat(store.assignments("pool_b_9")).isEmpty();
        assertThat(store.slotIsFree("pool_b_9")).isFalse();
        store.release("busy-1", "pool_b_9", "token-other");
        assertThat(store.slotIsFree("pool_b_9")).isFalse();
        store.release("busy-1", "pool_b_9", "token-1");
        assertThat(store.slotIsFree("pool_b_9")).isTrue();
    }

    @Test
    void aWorkerReleasesOnlyItsOwnLease() throws Exception {
        claimedJob("h-1", "pool_a_2", "worker-a");
        store.release("h-1", "pool_a_2", "worker-b");
        assertThat(store.hasLease("h-1")).isTrue();
        store.release("h-1", "pool_a_2", "worker-a");
        assertThat(store.hasLease("h-1")).isFalse();
        store.release("h-1", "pool_a_2", "worker-a");
    }

    @Test
    void aSlotThatHoldsAJobTakesNoSecondOneEvenFromAnotherLeader() throws Exception {
        store.submit(job("two-1", Lane.FAST));
        store.submit(job("two-2", Lane.FAST));
        LaneEntry first = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("two-1")).findFirst().orElseThrow();
        LaneEntry second = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("two-2")).findFirst().orElseThrow();

        // Two dispatchers that both saw slot pool_w_2x free (a leader and one just deposed).
        assertThat(store.dispatch(first, store.get("two-1").orElseThrow(), "pool_w_2x", 2_000)).isTrue();
        assertThat(store.dispatch(second, store.get("two-2").orElseThrow(), "pool_w_2x", 2_001)).isFalse();

        assertThat(store.assignments("pool_w_2x")).containsExactly("two-1");
        assertThat(store.get("two-2").orElseThrow().value().state()).isEqualTo(JobState.QUEUED);
        // Once the first job is done with the slot, the second one gets it.
        Versioned<JobRecord> dispatched = store.get("two-1").orElseThrow();
        Versioned<JobRecord> claimed = store.claim(dispatched, dispatched.value().processingOn("w", 4, 2_100), "w").orElseThrow();
        Versioned<JobRecord> uploading = store.update(claimed, claimed.value().uploading()).orElseThrow();
        assertThat(store.complete(uploading, uploading.value().completed("x.png", 8, 8, 2_200))).isTrue();
        assertThat(store.dispatch(second, store.get("two-2").orElseThrow(), "pool_w_2x", 2_300)).isTrue();
    }

    @Test
    void aGangIsReservedWholeOrNotAtAllAndItsEndFreesEveryRank() throws Exception {
        store.submit(job("gang-1", Lane.TURBO));
        store.submit(job("gang-2", Lane.TURBO));
        LaneEntry first = entryOf("gang-1", Lane.TURBO);
        LaneEntry second = entryOf("gang-2", Lane.TURBO);

        assertThat(store.dispatch(first, store.get("gang-1").orElseThrow(), List.of("pool_g_a", "pool_g_b"), 2_000)).isTrue();
        // a second gang overlapping on pool_g_b gets nothing, not even its free pool_g_c
        assertThat(store.dispatch(second, store.get("gang-2").orElseThrow(), List.of("pool_g_c", "pool_g_b"), 2_001)).isFalse();
        assertThat(store.assignments("pool_g_c")).isEmpty();
        assertThat(store.get("gang-2").orElseThrow().value().state()).isEqualTo(JobState.QUEUED);
        assertThat(store.laneEntries(Lane.TURBO)).extracting(LaneEntry::jobId).contains("gang-2");

        JobRecord dispatched = store.get("gang-1").orElseThrow().value();
        assertThat(dispatched.gang()).containsExactly("pool_g_a", "pool_g_b");
        assertThat(dispatched.slot()).isEqualTo("pool_g_a");
        assertThat(dispatched.rankOf("pool_g_b")).isEqualTo(1);
        assertThat(store.assignments("pool_g_a")).containsExactly("gang-1");
        assertThat(store.assignments("pool_g_b")).containsExactly("gang-1");

        // rank 0's completion frees rank 1's slot in the same transaction
        Versioned<JobRecord> d = store.get("gang-1").orElseThrow();
        Versioned<JobRecord> claimed = store.claim(d, d.value().processingOn("w", 4, 2_100), "w").orElseThrow();
        Versioned<JobRecord> uploading = store.update(claimed, claimed.value().uploading()).orElseThrow();
        assertThat(store.complete(uploading, uploading.value().completed("x.png", 8, 8, 2_200))).isTrue();
        assertThat(store.slotIsFree("pool_g_a")).isTrue();
        assertThat(store.slotIsFree("pool_g_b")).isTrue();

        // a retried gang frees every rank too, and goes back to its lane as one job with no gang
        assertThat(store.dispatch(second, store.get("gang-2").orElseThrow(), List.of("pool_g_c", "pool_g_b"), 2_300)).isTrue();
        assertThat(store.requeue(store.get("gang-2").orElseThrow(), "rank 1 lost", 2_400)).isTrue();
        assertThat(store.assignments("pool_g_c")).isEmpty();
        assertThat(store.assignments("pool_g_b")).isEmpty();
        JobRecord requeued = store.get("gang-2").orElseThrow().value();
        assertThat(requeued.state()).isEqualTo(JobState.QUEUED);
        assertThat(requeued.gang()).isNull();
        assertThat(requeued.ranks()).isEqualTo(1);
    }

    @Test
    void twoGangsRacingForASharedSlotNeverBothWinAndTheLoserHoldsNothing() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String x = "race-x-" + round;
                String y = "race-y-" + round;
                store.submit(job(x, Lane.TURBO));
                store.submit(job(y, Lane.TURBO));
                LaneEntry ex = entryOf(x, Lane.TURBO);
                LaneEntry ey = entryOf(y, Lane.TURBO);
                Versioned<JobRecord> jx = store.get(x).orElseThrow();
                Versioned<JobRecord> jy = store.get(y).orElseThrow();
                String a = "pool_r" + round + "_a";
                String shared = "pool_r" + round + "_s";
                String c = "pool_r" + round + "_c";
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                var fx = pool.submit(() -> {
                    go.await();
                    return store.dispatch(ex, jx, List.of(a, shared), 3_000);
                });
                var fy = pool.submit(() -> {
                    go.await();
                    return store.dispatch(ey, jy, List.of(shared, c), 3_000);
                });
                go.countDown();
                boolean wonX = fx.get();
                boolean wonY = fy.get();
                assertThat(wonX && wonY).as("round %d: both gangs won %s", round, shared).isFalse();
                assertThat(store.assignments(shared)).hasSizeLessThanOrEqualTo(1);
                if (!wonX) {
                    assertThat(store.assignments(a)).as("round %d: the losing gang holds %s", round, a).isEmpty();
                }
                if (!wonY) {
                    assertThat(store.assignments(c)).as("round %d: the losing gang holds %s", round, c).isEmpty();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static LaneEntry entryOf(String id, Lane lane) throws Exception {
        return store.laneEntries(lane).stream().filter(e -> e.jobId().equals(id)).findFirst().orElseThrow();
    }

    /** What Curator's retry after a lost reply meets: our own write already there, at the next version. */
    private static void commitBehindTheCallersBack(Versioned<JobRecord> job, JobRecord next) throws Exception {
        client.setData().withVersion(job.version()).forPath(ZkPaths.job(next.id()), Json.write(next));
    }

    @Test
    void aProgressWriteWhoseFirstTryCommittedIsRecognisedAsOurs() throws Exception {
        store.submit(job("lost-1", Lane.FAST));
        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("lost-1")).findFirst().orElseThrow();
        store.dispatch(entry, store.get("lost-1").orElseThrow(), "pool_w_lost", 2_000);
        Versioned<JobRecord> dispatched = store.get("lost-1").orElseThrow();
        Versioned<JobRecord> claimed = store.claim(dispatched, dispatched.value().processingOn("w", 4, 2_100), "w").orElseThrow();
        JobRecord progressed = claimed.value().withProgress(2, 4);
        commitBehindTheCallersBack(claimed, progressed);

        Optional<Versioned<JobRecord>> written = store.update(claimed, progressed);

        assertThat(written).isPresent();
        assertThat(written.get().value()).isEqualTo(progressed);
        assertThat(written.get().version()).isEqualTo(store.get("lost-1").orElseThrow().version());
        // Someone else's write is still a lost race.
        assertThat(store.update(claimed, claimed.value().withProgress(3, 4))).isEmpty();
    }

    @Test
    void aCompletionWhoseFirstTryCommittedIsRecognisedAsOurs() throws Exception {
        store.submit(job("lost-2", Lane.FAST));
        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("lost-2")).findFirst().orElseThrow();
        store.dispatch(entry, store.get("lost-2").orElseThrow(), "pool_w_lost2", 2_000);
        Versioned<JobRecord> dispatched = store.get("lost-2").orElseThrow();
        Versioned<JobRecord> claimed = store.claim(dispatched, dispatched.value().processingOn("w", 4, 2_100), "w").orElseThrow();
        Versioned<JobRecord> uploading = store.update(claimed, claimed.value().uploading()).orElseThrow();
        JobRecord completed = uploading.value().completed("x.png", 8, 8, 2_200);
        assertThat(store.complete(uploading, completed)).isTrue();

        // The retry of that same transaction (its reply lost) finds it done: success, not a lost lease.
        assertThat(store.complete(uploading, completed)).isTrue();
        assertThat(store.hasLease("lost-2")).isFalse();
        assertThat(store.assignments("pool_w_lost2")).isEmpty();
    }

    @Test
    void aClaimWhoseFirstTryCommittedIsOursAndALeaseIsReleasedOnlyByItsOwnClaim() throws Exception {
        store.submit(job("lost-3", Lane.FAST));
        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("lost-3")).findFirst().orElseThrow();
        store.dispatch(entry, store.get("lost-3").orElseThrow(), "pool_w_lost3", 2_000);
        Versioned<JobRecord> dispatched = store.get("lost-3").orElseThrow();
        JobRecord processing = dispatched.value().processingOn("worker-1", 4, 2_100);
        assertThat(store.claim(dispatched, processing, "worker-1#slot-a#1")).isPresent();

        // The same transaction again (a retry after a lost reply): ours. Another claim's token: not ours.
        assertThat(store.claim(dispatched, processing, "worker-1#slot-a#1")).isPresent();
        assertThat(store.claim(dispatched, processing, "worker-1#slot-b#2")).isEmpty();
        // A stale run of the same participant on another slot cannot drop this claim's lease.
        store.release("lost-3", "pool_w_lost3", "worker-1#slot-b#2");
        assertThat(store.hasLease("lost-3")).isTrue();
        store.release("lost-3", "pool_w_lost3", "worker-1#slot-a#1");
        assertThat(store.hasLease("lost-3")).isFalse();
    }

    @Test
    void aCancelOrRequeueWhoseFirstTryCommittedIsRecognisedAsOurs() throws Exception {
        store.submit(job("lost-4", Lane.RELAX));
        Versioned<JobRecord> queued = store.get("lost-4").orElseThrow();
        assertThat(store.cancel(queued, "user", 5_000)).isTrue();
        // The same cancel again, as Curator retries it after a lost reply: done, not "lost the race".
        assertThat(store.cancel(queued, "user", 5_000)).isTrue();
        assertThat(store.get("lost-4").orElseThrow().value().state()).isEqualTo(JobState.CANCELLED);

        store.submit(job("lost-5", Lane.FAST));
        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("lost-5")).findFirst().orElseThrow();
        store.dispatch(entry, store.get("lost-5").orElseThrow(), "pool_w_lost5", 5_000);
        Versioned<JobRecord> dispatched = store.get("lost-5").orElseThrow();
        assertThat(store.requeue(dispatched, "slot left", 5_100)).isTrue();
        assertThat(store.requeue(dispatched, "slot left", 5_100)).isTrue();
        assertThat(store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("lost-5"))).hasSize(1);
        // Someone else's different move is still a lost race.
        assertThat(store.requeue(dispatched, "another reason", 5_200)).isFalse();
    }

    @Test
    void finishingAJobMarksItForTheArchiverAndADeadLetterOnlyOnceDropped() throws Exception {
        Versioned<JobRecord> claimed = claimedJob("fin-1", "pool_f_1", "worker-f");
        var uploading = store.update(claimed, claimed.value().uploading()).orElseThrow();
        assertThat(store.finishedIds()).doesNotContain("fin-1");

        assertThat(store.complete(uploading, uploading.value().completed("c".repeat(64), 8, 8, 4_000))).isTrue();
        store.submit(job("fin-2", Lane.FAST));
        assertThat(store.cancel(store.get("fin-2").orElseThrow(), "by a test", 4_100)).isTrue();

        assertThat(store.finishedIds()).contains("fin-1", "fin-2");

        Versioned<JobRecord> dying = claimedJob("fin-3", "pool_f_2", "worker-f");
        for (int attempt = 2; attempt <= JobStore.MAX_ATTEMPTS + 1; attempt++) {
            assertThat(store.requeue(dying, "worker died", 5_000)).isTrue();
            store.release("fin-3", "pool_f_2", "worker-f");
            if (store.get("fin-3").orElseThrow().value().state() == JobState.FAILED) {
                break;
            }
            LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("fin-3")).findFirst().orElseThrow();
            store.dispatch(entry, store.get("fin-3").orElseThrow(), "pool_f_2", 5_100);
            Versioned<JobRecord> dispatched = store.get("fin-3").orElseThrow();
            dying = store.claim(dispatched, dispatched.value().processingOn("worker-f", 4, 5_200), "worker-f").orElseThrow();
        }
        assertThat(store.deadLetter("fin-3")).isPresent();
        assertThat(store.finishedIds()).as("a dead letter may still be replayed").doesNotContain("fin-3");
        assertThat(store.dropDeadLetter("fin-3")).isTrue();
        assertThat(store.finishedIds()).contains("fin-3");
    }

    @Test
    void aDropThatLostToAReplayNeverMarksTheReplayedJobFinished() throws Exception {
        Versioned<JobRecord> dying = claimedJob("rp-1", "pool_r_1", "worker-r");
        while (store.get("rp-1").orElseThrow().value().state() != JobState.FAILED) {
            assertThat(store.requeue(dying, "worker died", 5_000)).isTrue();
            store.release("rp-1", "pool_r_1", "worker-r");
            if (store.get("rp-1").orElseThrow().value().state() == JobState.FAILED) {
                break;
            }
            LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("rp-1")).findFirst().orElseThrow();
            store.dispatch(entry, store.get("rp-1").orElseThrow(), "pool_r_1", 5_100);
            Versioned<JobRecord> dispatched = store.get("rp-1").orElseThrow();
            dying = store.claim(dispatched, dispatched.value().processingOn("worker-r", 4, 5_200), "worker-r").orElseThrow();
        }
        // The replay takes the letter between the drop's look and its transaction: what the drop's catch then does.
        assertThat(store.replay("rp-1", 6_000)).isTrue();
        store.markDroppedLetter("rp-1");

        assertThat(store.finishedIds()).as("a replayed, waiting job is not finished").doesNotContain("rp-1");
    }

    @Test
    void forgettingAFinishedJobIsGuardedByItsVersionAndSafeToRetry() throws Exception {
        store.submit(job("fg-1", Lane.FAST));
        assertThat(store.cancel(store.get("fg-1").orElseThrow(), "by a test", 4_100)).isTrue();
        Versioned<JobRecord> read = store.get("fg-1").orElseThrow();
        commitBehindTheCallersBack(read, read.value().withNote("changed since the archiver read it"));

        assertThat(store.forget(read)).as("a record changed since it was read stays").isFalse();
        assertThat(store.get("fg-1")).isPresent();

        Versioned<JobRecord> current = store.get("fg-1").orElseThrow();
        assertThat(store.forget(current)).isTrue();
        assertThat(store.get("fg-1")).isEmpty();
        assertThat(store.finishedIds()).doesNotContain("fg-1");
        // Curator's retry of a removal whose first try committed, or a second archiver: done, not an error
        assertThat(store.forget(current)).isTrue();

        store.submit(job("fg-2", Lane.FAST));
        assertThat(store.cancel(store.get("fg-2").orElseThrow(), "by a test", 4_200)).isTrue();
        store.dropFinishedMarker("fg-2");
        assertThat(store.forget(store.get("fg-2").orElseThrow())).as("the record goes without its marker").isTrue();
        assertThat(store.get("fg-2")).isEmpty();
    }
}
