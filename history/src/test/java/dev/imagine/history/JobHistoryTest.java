package dev.imagine.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.account.Account;
import dev.imagine.core.account.ApiKey;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history on a real PostgreSQL 17, migrated from empty. */
class JobHistoryTest {
    @TempDir
    static Path dir;
    private static EmbeddedDatabase database;
    private static JobHistory history;
    private static Jdbi jdbi;

    @BeforeAll
    static void start() throws Exception {
        database = EmbeddedDatabase.start(dir.resolve("pg"), Path.of(System.getProperty("imagine.pg.binaries", "target/pg-binaries")));
        HistoryMigrations.apply(database.dataSource());
        jdbi = Jdbi.create(database.dataSource());
        history = new JobHistory(jdbi);
    }

    @AfterAll
    static void stop() throws Exception {
        database.close();
    }

    @Test
    void migrationsFromEmptyMakeEveryTableAndRunTwiceChangeNothing() throws Exception {
        HistoryMigrations.apply(database.dataSource());

        List<String> tables = jdbi.withHandle(h -> h.createQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
                .mapTo(String.class).list());
        assertThat(tables).contains("jobs", "users", "api_keys", "usage_ledger", "databasechangelog");
        int changeSets = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM databasechangelog").mapTo(Integer.class).one());
        assertThat(changeSets).isEqualTo(3);
        String fsync = jdbi.withHandle(h -> h.createQuery("SHOW fsync").mapTo(String.class).one());
        String synchronousCommit = jdbi.withHandle(h -> h.createQuery("SHOW synchronous_commit").mapTo(String.class).one());
        assertThat(fsync).isEqualTo("on");
        assertThat(synchronousCommit).isEqualTo("on");
    }

    @Test
    void aJobReadBackIsTheRecordThatWasWrittenAndItsChargeIsMadeOnce() {
        JobRecord done = completed(job("once-1", "carol", "a fox", 1_000), 4_000, 8_000);

        history.write(done, "PRO", 0);
        history.write(done, "PRO", 9_000);
        history.write(done, null, 9_000);

        assertThat(history.find("once-1")).contains(done);
        assertThat(history.ledgerRows("carol")).isEqualTo(1);
        assertThat(history.chargedMillis("carol")).isEqualTo(8_000);
        String plan = jdbi.withHandle(h -> h.createQuery("SELECT plan FROM jobs WHERE id = 'once-1'").mapTo(String.class).one());
        assertThat(plan).isEqualTo("PRO");
    }

    @Test
    void anActionsJobIsStoredWithItsParentAndAction() {
        JobRecord parent = job("parent-1", "erin", "a heron", 1_000);
        JobSpec derived = parent.spec().withSeed(8).derivedFrom(new JobSpec.Derivation("parent-1", "variation", 2, 0.7,
                "latents-sha"), parent.spec().modelVersion());
        JobRecord child = JobRecord.queued("child-1", "erin", derived, 2_000);

        history.writeSubmitted(List.of(child));

        assertThat(history.find("child-1").orElseThrow().spec().derivation().index()).isEqualTo(2);
        String row = jdbi.withHandle(h -> h.createQuery("SELECT parent_id || ' ' || action FROM jobs WHERE id = 'child-1'")
                .mapTo(String.class).one());
        assertThat(row).isEqualTo("parent-1 variation");
    }

    @Test
    void aSubmissionNeverOverwritesWhatTheArchiverWrote() {
        JobRecord queued = job("late-1", "dave", "a late api write", 5_000);
        JobRecord done = completed(queued, 1_000, 1_000);
        history.write(done, null, 0);

        history.writeSubmitted(List.of(queued));

        assertThat(history.find("late-1").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void historyPagesNewestFirstByCursorAndFiltersByStateAndWords() {
        List<JobRecord> written = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            JobRecord job = job(String.format("page-%02d", i), "erin", (i % 3 == 0 ? "red fox " : "blue whale ") + i,
                    10_000 + i / 2 * 10);
            if (i % 2 == 0) {
                job = completed(job, 100, 100);
            }
            history.write(job, null, 0);
            written.add(job);
        }
        history.write(job("other-1", "frank", "red fox", 20_000), null, 0);
        List<String> newestFirst = written.stream()
                .sorted(java.util.Comparator.comparingLong(JobRecord::submittedAtMillis).thenComparing(JobRecord::id).reversed())
                .map(JobRecord::id).toList();

        List<String> paged = new ArrayList<>();
        HistoryCursor cursor = null;
        int pages = 0;
        do {
            HistoryPage page = history.page(new HistoryQuery("erin", Set.of(), null, cursor, 10));
            page.jobs().forEach(j -> paged.add(j.id()));
            cursor = page.next() == null ? null : HistoryCursor.decode(page.next().encode()).orElseThrow();
            pages++;
        } while (cursor != null);

        assertThat(paged).isEqualTo(newestFirst);
        assertThat(pages).isEqualTo(3);
        assertThat(history.page(new HistoryQuery("erin", Set.of(JobState.COMPLETED), null, null, 100)).jobs())
                .hasSize(13).allMatch(j -> j.state() == JobState.COMPLETED);
        assertThat(history.page(new HistoryQuery("erin", Set.of(), "Red  FOX", null, 100)).jobs())
                .hasSize(9).allMatch(j -> j.spec().prompt().startsWith("red fox"));
        assertThat(history.page(new HistoryQuery("erin", Set.of(JobState.COMPLETED), "fox", null, 100)).jobs())
                .extracting(JobRecord::id).containsExactly("page-24", "page-18", "page-12", "page-06", "page-00");
        assertThat(HistoryCursor.decode("not a cursor")).isEmpty();
    }

    @Test
    void usersAndTheirKeyHashesAreCopiedAndRevokedKeysGo() {
        UserDirectory users = new UserDirectory(jdbi);
        ApiKey first = new ApiKey("k1", "a".repeat(64), 1);
        ApiKey second = new ApiKey("k2", "b".repeat(64), 2);
        Account account = Account.create("gina", Plan.STANDARD, first, 1_000);
        users.write(account, 1);
        Account twoKeys = new Account("gina", Plan.PRO, List.of(first, second), 0, 0, account.month(), 500, 1_000, 0);
        users.write(twoKeys, 2);
        Account revoked = new Account("gina", Plan.PRO, List.of(second), 0, 0, account.month(), 500, 1_000, 0);
        users.write(revoked, 3);

        assertThat(users.users()).filteredOn(u -> u.name().equals("gina"))
                .containsExactly(new UserDirectory.UserRow("gina", "PRO", 500, 1));
    }

    static JobRecord job(String id, String user, String prompt, long submittedAt) {
        JobSpec spec = new JobSpec(prompt, null, "v8", 1, 1, 7, 1.0, 100, 0, Lane.FAST);
        return JobRecord.queued(id, user, spec, submittedAt);
    }

    static JobRecord completed(JobRecord queued, long gpuMillis, long charge) {
        return queued.dispatchedTo("slot_0", queued.submittedAtMillis() + 1)
                .processingOn("worker", 10, queued.submittedAtMillis() + 2)
                .uploading()
                .completed("c".repeat(64), 64, 64, queued.submittedAtMillis() + 3)
                .metered(gpuMillis, charge);
    }
}
