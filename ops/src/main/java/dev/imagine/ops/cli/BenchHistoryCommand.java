package dev.imagine.ops.cli;

import dev.imagine.core.job.JobState;
import dev.imagine.history.EmbeddedDatabase;
import dev.imagine.history.HistoryCursor;
import dev.imagine.history.HistoryMigrations;
import dev.imagine.history.HistoryPage;
import dev.imagine.history.HistoryQuery;
import dev.imagine.history.JobHistory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code imagine bench history}: how fast a page of one user's history is as the history grows. Fills a fresh
 * embedded PostgreSQL (fsync on, as {@code up} runs it) with one user's jobs, measures the page queries the API makes
 * (newest page, pages deep behind a cursor, a state filter, a text filter with a common and a rare word) at a small
 * size, grows it to the full size, measures again, and prints p50/p99 per query and the p99 ratio full/small: an
 * index that works keeps the ratio near 1.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "p99 ms of a history page (GET /v1/jobs) at 10 K and at --rows jobs of one user (default 1 M).")
public final class BenchHistoryCommand implements Callable<Integer> {
    private static final String USER = "bench";
    private static final int SMALL = 10_000;
    private static final int BATCH = 100_000;

    @Option(names = "--rows", defaultValue = "1000000", description = "Jobs of the measured user (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--queries", defaultValue = "300", description = "Queries of each kind per size (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--quick", description = "100 K rows, 100 queries of each kind.")
    boolean quick;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (quick) {
            rows = 100_000;
            queries = 100;
        }
        if (rows < SMALL || queries < 10) {
            throw new CliException("--rows must be at least " + SMALL + " and --queries at least 10", 2);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("imagine-bench-history");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("pg"),
                Path.of(System.getProperty("imagine.pg.binaries", System.getProperty("java.io.tmpdir") + "/imagine-pg-binaries")))) {
            HistoryMigrations.apply(database.dataSource());
            // Pooled connections, as the API has them (Dropwizard's pool): a page is one query, not a connection.
            io.dropwizard.db.DataSourceFactory factory = new io.dropwizard.db.DataSourceFactory();
            factory.setDriverClass("org.postgresql.Driver");
            factory.setUrl(database.jdbcUrl());
            factory.setUser(database.user());
            factory.setPassword("");
            io.dropwizard.db.ManagedDataSource pool = factory.build(new com.codahale.metrics.MetricRegistry(), "bench");
            JobHistory history = new JobHistory(Jdbi.create(pool));
            // Other users' jobs around the measured one: the index must pick one user's rows out of everyone's.
            fill(history, "others", 0, SMALL * 5);
            fill(history, USER, 0, SMALL);
            List<Result> small = measure(history, SMALL);
            long started = System.nanoTime();
            for (int from = SMALL; from < rows; from += BATCH) {
                fill(history, USER, from, Math.min(rows, from + BATCH));
            }
            out.printf(Locale.ROOT, "fill_rows=%d fill_seconds=%.1f%n", rows - SMALL, (System.nanoTime() - started) / 1e9);
            List<Result> full = measure(history, rows);
            for (int i = 0; i < small.size(); i++) {
                Result s = small.get(i);
                Result f = full.get(i);
                out.printf(Locale.ROOT, "query=%s rows=%d p50_ms=%.2f p99_ms=%.2f | rows=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
                                + " | p99_ratio=%.2f%n", s.name, SMALL, s.p50, s.p99, rows, f.p50, f.p99, f.max, f.p99 / s.p99);
            }
            out.printf(Locale.ROOT, "history_page_p99_ms=%.2f rows=%d%n",
                    full.stream().mapToDouble(r -> r.p99).max().orElse(0), rows);
        } finally {
            deleteTree(dir);
        }
        return 0;
    }

    private record Result(String name, double p50, double p99, double max) {
    }

    private List<Result> measure(JobHistory history, int size) {
        history.withHandle(h -> h.execute("ANALYZE jobs"));
        Random random = new Random(42);
        List<Result> results = new ArrayList<>();
        results.add(time("newest_page", q -> history.page(new HistoryQuery(USER, Set.of(), null, null, 20))));
        results.add(time("deep_cursor_page", q -> history.page(new HistoryQuery(USER, Set.of(), null,
                new HistoryCursor(submittedAt(random.nextInt(size)), "~"), 20))));
        results.add(time("state_failed", q -> history.page(new HistoryQuery(USER, Set.of(JobState.FAILED), null, null, 20))));
        results.add(time("text_common", q -> history.page(new HistoryQuery(USER, Set.of(), "fox", null, 20))));
        results.add(time("text_rare", q -> history.page(new HistoryQuery(USER, Set.of(), "aurora", null, 20))));
        return results;
    }

    private Result time(String name, Function<Integer, HistoryPage> query) {
        for (int i = 0; i < 10; i++) {
            query.apply(i);
        }
        double[] millis = new double[queries];
        for (int i = 0; i < queries; i++) {
            long start = System.nanoTime();
            HistoryPage page = query.apply(i);
            millis[i] = (System.nanoTime() - start) / 1e6;
            if (page.jobs().isEmpty()) {
                throw new IllegalStateException(name + " found nothing: the bench's data is wrong");
            }
        }
        Arrays.sort(millis);
        return new Result(name, millis[queries / 2], millis[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)],
                millis[queries - 1]);
    }

    /** Job i of a user was submitted at this time (one a second), so cursors can point anywhere. */
    private static long submittedAt(int i) {
        return 1_700_000_000_000L + i * 1_000L;
    }

    /** Rows [from, to) of {@code user}, made in SQL (one statement); one job in ten failed, one in 10 000 "aurora". */
    private static void fill(JobHistory history, String user, int from, int to) {
        history.withHandle(h -> h.createUpdate("""
                INSERT INTO jobs (id, user_name, state, prompt, model_version, aspect_width, aspect_height, seed, quality,
                                  stylize, chaos, lane, attempts, submitted_at_millis, completed_at_millis, gpu_millis,
                                  charged_millis, record)
                SELECT :user || '-' || i, :user, s.state, s.prompt, 'v8', 1, 1, i, 1.0, 100, 0, 'FAST', 1,
                       1700000000000 + i * 1000, 1700000000000 + i * 1000 + 5000, 4000, 4000,
                       jsonb_build_object('id', :user || '-' || i, 'user', :user, 'state', s.state,
                           'spec', jsonb_build_object('prompt', s.prompt, 'modelVersion', 'v8', 'aspectWidth', 1,
                               'aspectHeight', 1, 'seed', i, 'quality', 1.0, 'stylize', 100, 'chaos', 0, 'lane', 'FAST'),
                           'attempts', 1, 'submittedAtMillis', 1700000000000 + i * 1000,
                           'completedAtMillis', 1700000000000 + i * 1000 + 5000, 'gpuMillis', 4000, 'chargedMillis', 4000)
                FROM generate_series(:from, :to - 1) AS i,
                     LATERAL (SELECT CASE WHEN i % 10 = 3 THEN 'FAILED' ELSE 'COMPLETED' END AS state,
                                     (ARRAY['red', 'blue', 'golden', 'misty', 'neon'])[1 + i % 5] || ' '
                                     || (ARRAY['fox', 'whale', 'castle', 'forest', 'city', 'robot', 'garden'])[1 + i % 7]
                                     || ' in ' || (ARRAY['snow', 'rain', 'space', 'autumn'])[1 + i % 4]
                                     || CASE WHEN i % 10000 = 7 THEN ' under an aurora' ELSE '' END AS prompt) AS s
                """).bind("user", user).bind("from", from).bind("to", to).execute());
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
