package dev.imagine.core.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.job.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure dispatch order: lanes, fairness across users, plan caps, Relax aging, affinity. */
class DispatchPolicyTest {
    private static final long NOW = 1_800_000_000_000L;
    private final DispatchPolicy policy = new DispatchPolicy(Duration.ofMinutes(10));
    private long sequence;

    private WaitingJob job(String id, String user, Lane lane, String version, long submittedAt) {
        return new WaitingJob(id, id, user, lane, version, false, submittedAt, sequence++);
    }

    private List<String> decide(List<WaitingJob> waiting, Map<String, UserLoad> users, String... slotVersions) {
        List<FreeSlot> slots = new ArrayList<>();
        for (int i = 0; i < slotVersions.length; i++) {
            slots.add(new FreeSlot("slot-" + i, slotVersions[i]));
        }
        return policy.decide(new SchedulingSnapshot(NOW, waiting, users, slots)).stream()
                .map(a -> a.job().jobId()).toList();
    }

    @Test
    void aTurboJobTakesAGangWhenEnoughSlotsOfItsVersionAreFreeAndOneSlotOtherwise() {
        DispatchPolicy gangs = new DispatchPolicy(Duration.ofMinutes(10), 2);
        List<WaitingJob> waiting = List.of(job("t1", "ann", Lane.TURBO, "v8", NOW - 30),
                job("t2", "bob", Lane.TURBO, "v8", NOW - 20), job("f", "cat", Lane.FAST, "v8", NOW - 100));
        List<FreeSlot> free = List.of(new FreeSlot("s0", "v8"), new FreeSlot("s1", "v8"), new FreeSlot("s2", "v8"),
                new FreeSlot("s3", "v6"));

        List<Assignment> decided = gangs.decide(new SchedulingSnapshot(NOW, waiting, Map.of(), free));

        // t1 takes two v8 slots, t2 the last one alone (it never waits for a gang), the Fast job none is left for
        assertThat(decided).extracting(a -> a.job().jobId()).containsExactly("t1", "t2");
        assertThat(decided.get(0).gang()).containsExactly("s0", "s1");
        assertThat(decided.get(0).slot()).isEqualTo("s0");
        assertThat(decided.get(1).gang()).containsExactly("s2");
        // a Fast job is never split
        List<Assignment> fast = gangs.decide(new SchedulingSnapshot(NOW, List.of(waiting.get(2)), Map.of(), free));
        assertThat(fast).singleElement().satisfies(a -> assertThat(a.gang()).hasSize(1));
        // nor is a job a gang already lost (re-queued): its next try is on one slot
        WaitingJob back = new WaitingJob("t3", "t3", "dan", Lane.TURBO, "v8", true, NOW - 50, sequence++);
        List<Assignment> retried = gangs.decide(new SchedulingSnapshot(NOW, List.of(back), Map.of(), free));
        assertThat(retried).singleElement().satisfies(a -> assertThat(a.gang()).hasSize(1));
    }

    @Test
    void turboGoesBeforeFastBeforeRelax() {
        List<WaitingJob> waiting = List.of(job("r", "ann", Lane.RELAX, "v8", NOW - 1000),
                job("f", "bob", Lane.FAST, "v8", NOW - 500), job("t", "cat", Lane.TURBO, "v8", NOW - 10));

        assertThat(decide(waiting, Map.of(), "v8")).containsExactly("t");
        assertThat(decide(waiting, Map.of(), "v8", "v8", "v8")).containsExactly("t", "f", "r");
    }

    @Test
    void oneUsersTenJobsDoNotHoldBackAnothersOne() {
        List<WaitingJob> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(job("ann-" + i, "ann", Lane.FAST, "v8", NOW - 10_000 + i));
        }
        waiting.add(job("bob-0", "bob", Lane.FAST, "v8", NOW - 1));

        // Two slots: one each, although all of ann's jobs are older.
        assertThat(decide(waiting, Map.of(), "v8", "v8")).containsExactlyInAnyOrder("ann-0", "bob-0");
        // One slot, ann served a moment ago: bob's turn (round-robin across passes).
        Map<String, UserLoad> loads = Map.of("ann", new UserLoad("ann", 0, 12, NOW - 100),
                "bob", new UserLoad("bob", 0, 12, 0));
        assertThat(decide(waiting, loads, "v8")).containsExactly("bob-0");
    }

    @Test
    void usersWithFewerJobsRunningGoFirst() {
        List<WaitingJob> waiting = List.of(job("ann-1", "ann", Lane.FAST, "v8", NOW - 5000),
                job("bob-1", "bob", Lane.FAST, "v8", NOW - 10));
        Map<String, UserLoad> loads = Map.of("ann", new UserLoad("ann", 2, 12, 0), "bob", new UserLoad("bob", 1, 12, 0));

        assertThat(decide(waiting, loads, "v8")).containsExactly("bob-1");
    }

    @Test
    void aUserAtTheRunningLimitWaitsWithoutBlockingOthers() {
        List<WaitingJob> waiting = List.of(job("ann-1", "ann", Lane.TURBO, "v8", NOW - 5000),
                job("ann-2", "ann", Lane.TURBO, "v8", NOW - 4000), job("bob-1", "bob", Lane.RELAX, "v8", NOW - 10));
        Map<String, UserLoad> loads = Map.of("ann", new UserLoad("ann", 2, 3, 0), "bob", new UserLoad("bob", 0, 3, 0));

        // ann has room for one more: ann-1 goes, ann-2 waits, and bob's Relax job still gets the third slot.
        assertThat(decide(waiting, loads, "v8", "v8", "v8")).containsExactly("ann-1", "bob-1");
    }

    @Test
    void aRelaxJobOlderThanThePromotionAgeCompetesWithFast() {
        long old = NOW - Duration.ofMinutes(11).toMillis();
        List<WaitingJob> waiting = List.of(job("fast", "bob", Lane.FAST, "v8", NOW - 1000),
                job("relax-old", "ann", Lane.RELAX, old), job("relax-new", "cat", Lane.RELAX, "v8", NOW - 2000));

        assertThat(decide(waiting, Map.of(), "v8")).containsExactly("relax-old");
        assertThat(decide(waiting, Map.of(), "v8", "v8", "v8")).containsExactly("relax-old", "fast", "relax-new");
        // Turbo still goes first: aging lifts Relax to Fast, never above it.
        List<WaitingJob> withTurbo = new ArrayList<>(waiting);
        withTurbo.add(job("turbo", "dan", Lane.TURBO, "v8", NOW));
        assertThat(decide(withTurbo, Map.of(), "v8")).containsExactly("turbo");
    }

    private WaitingJob job(String id, String user, Lane lane, long submittedAt) {
        return job(id, user, lane, "v8", submittedAt);
    }

    @Test
    void onlyASlotHoldingTheJobsVersionTakesIt() {
        List<WaitingJob> waiting = List.of(job("v6-job", "ann", Lane.TURBO, "v6", NOW - 100),
                job("v8-job", "bob", Lane.RELAX, "v8", NOW - 10));

        List<Assignment> assignments = policy.decide(new SchedulingSnapshot(NOW, waiting, Map.of(),
                List.of(new FreeSlot("s8", "v8"))));

        assertThat(assignments).extracting(a -> a.job().jobId() + "->" + a.slot()).containsExactly("v8-job->s8");
    }

    @Test
    void orderGivesEachJobsPositionAndPutsCappedUsersLast() {
        List<WaitingJob> waiting = List.of(job("ann-1", "ann", Lane.FAST, "v8", NOW - 5000),
                job("ann-2", "ann", Lane.FAST, "v8", NOW - 4000), job("bob-1", "bob", Lane.FAST, "v8", NOW - 10),
                job("cat-1", "cat", Lane.TURBO, "v8", NOW));
        Map<String, UserLoad> loads = Map.of("bob", new UserLoad("bob", 3, 3, 0));

        List<String> order = policy.order(new SchedulingSnapshot(NOW, waiting, loads, List.of()), "v8").stream()
                .map(WaitingJob::jobId).toList();

        assertThat(order).containsExactly("cat-1", "ann-1", "ann-2", "bob-1");
    }
}
