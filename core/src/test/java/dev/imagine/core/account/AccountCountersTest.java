package dev.imagine.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkClients;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users' live counters move in the same transactions as their jobs, against a real ZooKeeper. */
class AccountCountersTest {
    private static final long NOW = 1_800_000_000_000L;

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper server;
    static CuratorFramework client;
    static JobStore store;
    static AccountStore accounts;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        client = ZkClients.connect(server.connectString(), Duration.ofSeconds(5));
        store = new JobStore(client);
        store.ensureLayout();
        accounts = new AccountStore(client);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static JobRecord job(String id, String user, Lane lane) {
        return JobRecord.queued(id, user, new JobSpec("a fox", "", "v8", 1, 1, 7, 1, 100, 0, lane), NOW);
    }

    private static JobStore.Admission plain(JobRecord job) {
        return account -> new JobStore.Admitted(job, account.withCounts(1, 0));
    }

    private static LaneEntry entryOf(String id, Lane lane) throws Exception {
        return store.laneEntries(lane).stream().filter(e -> e.jobId().equals(id)).findFirst().orElseThrow();
    }

    private static boolean dispatch(String id, Lane lane, String slot) throws Exception {
        return store.dispatch(entryOf(id, lane), store.get(id).orElseThrow(), slot, NOW);
    }

    @Test
    void dispatchBeyondThePlansRunningLimitIsRefusedInTheTransaction() throws Exception {
        accounts.create("basil", Plan.BASIC, NOW);
        for (int i = 0; i < 4; i++) {
            store.submit("basil", plain(job("cap-" + i, "basil", Lane.FAST)));
        }

        for (int i = 0; i < 3; i++) {
            assertThat(dispatch("cap-" + i, Lane.FAST, "slot-" + i)).isTrue();
        }
        assertThat(dispatch("cap-3", Lane.FAST, "slot-3")).isFalse();

        Account basil = accounts.require("basil").value();
        assertThat(basil.running()).isEqualTo(3);
        assertThat(basil.waiting()).isEqualTo(1);
        assertThat(basil.lastDispatchedAtMillis()).isEqualTo(NOW);
        assertThat(store.get("cap-3").orElseThrow().value().state()).isEqualTo(JobState.QUEUED);
        assertThat(entryOf("cap-3", Lane.FAST)).isNotNull();
    }

    @Test
    void countersFollowAJobThroughRequeueAndCompletionAndTheChargeIsMadeOnce() throws Exception {
        accounts.create("fay", Plan.STANDARD, NOW);
        store.submit("fay", plain(job("life-1", "fay", Lane.TURBO)));
        assertThat(accounts.require("fay").value().waiting()).isEqualTo(1);

        assertThat(dispatch("life-1", Lane.TURBO, "s1")).isTrue();
        Versioned<JobRecord> dispatched = store.get("life-1").orElseThrow();
        Versioned<JobRecord> claimed = store.claim(dispatched, dispatched.value().processingOn("w1", 10, NOW), "w1").orElseThrow();
        assertThat(accounts.require("fay").value().running()).isEqualTo(1);
        assertThat(store.requeue(claimed, "worker died", NOW)).isTrue();
        Account afterRequeue = accounts.require("fay").value();
        assertThat(afterRequeue.running()).isZero();
        assertThat(afterRequeue.waiting()).isEqualTo(1);

        assertThat(dispatch("life-1", Lane.TURBO, "s2")).isTrue();
        Versioned<JobRecord> again = store.get("life-1").orElseThrow();
        Versioned<JobRecord> claimedAgain = store.claim(again, again.value().processingOn("w2", 10, NOW), "w2").orElseThrow();
        Versioned<JobRecord> uploading = store.update(claimedAgain, claimedAgain.value().uploading()).orElseThrow();
        JobRecord completed = uploading.value().completed("x.png", 8, 8, NOW).metered(700, Lane.TURBO.fastMillisFor(700));
        assertThat(store.complete(uploading, completed)).isTrue();
        // A retry of that commit is recognised as done and charges nothing more; the first attempt's worker,
        // completing its own run with a stale version, loses and charges nothing either.
        assertThat(store.complete(uploading, completed)).isTrue();
        JobRecord stale = claimed.value().uploading().completed("old.png", 8, 8, NOW).metered(900, Lane.TURBO.fastMillisFor(900));
        assertThat(store.complete(claimed, stale)).isFalse();

        Account done = accounts.require("fay").value();
        assertThat(done.running()).isZero();
        assertThat(done.waiting()).isZero();
        assertThat(done.fastMillisUsed(NOW)).isEqualTo(1400);
    }

    @Test
    void aSubmissionRetriedAfterItsFirstTryCommittedIsOneJobCountedOnce() throws Exception {
        accounts.create("rita", Plan.PRO, NOW);
        JobRecord job = job("retry-1", "rita", Lane.FAST);

        store.submit("rita", plain(job));
        // What Curator's retry after a lost reply does: the same transaction again, the job already there.
        JobRecord again = store.submit("rita", plain(job));

        assertThat(again).isEqualTo(job);
        assertThat(accounts.require("rita").value().waiting()).isEqualTo(1);
        assertThat(store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals("retry-1"))).hasSize(1);
        // Even when the dispatcher moved it on before the retry looked.
        assertThat(dispatch("retry-1", Lane.FAST, "s-r")).isTrue();
        assertThat(store.submit("rita", plain(job))).isEqualTo(job);
        assertThat(accounts.require("rita").value().running()).isEqualTo(1);
        assertThat(accounts.require("rita").value().waiting()).isZero();
    }

    @Test
    void cancelOfAWaitingJobFreesAWaitingPlaceAndOfARunningOneARunningPlace() throws Exception {
        accounts.create("cy", Plan.PRO, NOW);
        store.submit("cy", plain(job("cx-1", "cy", Lane.RELAX)));
        store.submit("cy", plain(job("cx-2", "cy", Lane.RELAX)));
        assertThat(dispatch("cx-2", Lane.RELAX, "s9")).isTrue();

        assertThat(store.cancel(store.get("cx-1").orElseThrow(), "user", NOW)).isTrue();
        assertThat(store.cancel(store.get("cx-2").orElseThrow(), "user", NOW)).isTrue();

        Account cy = accounts.require("cy").value();
        assertThat(cy.waiting()).isZero();
        assertThat(cy.running()).isZero();
    }

    @Test
    void keysAreStoredAsHashesAndARevokedKeyNoLongerAuthenticates() throws Exception {
        String key = accounts.create("kay", Plan.MEGA, NOW);
        String second = accounts.addKey("kay", NOW);

        assertThat(new String(client.getData().forPath("/users/kay"))).doesNotContain(key).doesNotContain(second);
        assertThat(accounts.authenticate(key)).map(Account::name).contains("kay");
        accounts.revokeKey("kay", ApiKeys.idOf(ApiKeys.sha256(key)));
        assertThat(accounts.authenticate(key)).isEmpty();
        assertThat(accounts.authenticate(second)).isPresent();
        assertThat(accounts.authenticate("imk_" + "f".repeat(64))).isEmpty();
        assertThatThrownBy(() -> accounts.create("kay", Plan.BASIC, NOW)).hasMessageContaining("already exists");
        assertThatThrownBy(() -> accounts.create("Bad/Name", Plan.BASIC, NOW)).hasMessageContaining("must be 1-32");
    }
}
