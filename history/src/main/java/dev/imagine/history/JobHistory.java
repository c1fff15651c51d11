package dev.imagine.history;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * Every job in PostgreSQL: one row per job (the columns one filters and indexes by, and the whole record as JSON, so
 * that a job read back from the history shows exactly what it showed from ZooKeeper), and one usage-ledger row per
 * completed job. Writes are upserts keyed by the job id, so writing the same job again (a retry, a second archiver,
 * an archiver restarted after a kill) changes nothing, and a charge is made once.
 */
public final class JobHistory {
    private static final String COLUMNS = "id, user_name, state, prompt, negative_prompt, model_version, aspect_width, "
            + "aspect_height, seed, quality, stylize, chaos, lane, plan, attempts, slot, worker, image_sha256, image_width, "
            + "image_height, error, note, submitted_at_millis, queued_at_millis, dispatched_at_millis, started_at_millis, "
            + "completed_at_millis, gpu_millis, charged_millis, archived_at_millis, parent_id, action, record";
    private static final String VALUES = ":id, :user, :state, :prompt, :negative, :model, :aspectWidth, :aspectHeight, "
            + ":seed, :quality, :stylize, :chaos, :lane, :plan, :attempts, :slot, :worker, :image, :width, :height, :error, "
            + ":note, :submittedAt, :queuedAt, :dispatchedAt, :startedAt, :completedAt, :gpuMillis, :chargedMillis, "
            + ":archivedAt, :parentId, :action, CAST(:record AS jsonb)";
    private static final String UPSERT = "INSERT INTO jobs (" + COLUMNS + ") VALUES (" + VALUES + ") "
            + "ON CONFLICT (id) DO UPDATE SET state = excluded.state, plan = COALESCE(excluded.plan, jobs.plan), "
            + "attempts = excluded.attempts, slot = excluded.slot, worker = excluded.worker, "
            + "image_sha256 = excluded.image_sha256, image_width = excluded.image_width, "
            + "image_height = excluded.image_height, error = excluded.error, note = excluded.note, "
            + "queued_at_millis = excluded.queued_at_millis, dispatched_at_millis = excluded.dispatched_at_millis, "
            + "started_at_millis = excluded.started_at_millis, completed_at_millis = excluded.completed_at_millis, "
            + "gpu_millis = excluded.gpu_millis, charged_millis = excluded.charged_millis, "
            + "archived_at_millis = COALESCE(excluded.archived_at_millis, jobs.archived_at_millis), record = excluded.record";
    /** A submission seen by the API: never overwrites what the archiver wrote (it knows more). */
    private static final String INSERT_NEW = "INSERT INTO jobs (" + COLUMNS + ") VALUES (" + VALUES + ") "
            + "ON CONFLICT (id) DO NOTHING";
    private static final String CHARGE = "INSERT INTO usage_ledger (job_id, user_name, lane, gpu_millis, charged_millis, "
            + "charged_at_millis) VALUES (:id, :user, :lane, :gpuMillis, :chargedMillis, :at) ON CONFLICT (job_id) DO NOTHING";

    private final Jdbi jdbi;

    public JobHistory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Writes a job as ZooKeeper has it now, and its charge once it is COMPLETED, in one transaction.
     *
     * @param plan       its user's plan when it is written (null: keep what is there)
     * @param archivedAt when it leaves ZooKeeper (0: not yet, it is only a copy)
     */
    public void write(JobRecord job, String plan, long archivedAt) {
        jdbi.useTransaction(handle -> {
            bind(handle.createUpdate(UPSERT), job, plan, archivedAt).execute();
            if (job.state() == JobState.COMPLETED) {
                handle.createUpdate(CHARGE).bind("id", job.id()).bind("user", job.user())
                        .bind("lane", job.spec().lane().name()).bind("gpuMillis", job.gpuMillis())
                        .bind("chargedMillis", job.chargedMillis()).bind("at", job.completedAtMillis()).execute();
            }
        });
    }

    /** Newly submitted jobs, as the API accepted them; rows already there are left alone. */
    public void writeSubmitted(List<JobRecord> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> {
            for (JobRecord job : jobs) {
                bind(handle.createUpdate(INSERT_NEW), job, null, 0).execute();
            }
        });
    }

    public Optional<JobRecord> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT record::text FROM jobs WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne().map(JobHistory::parse));
    }

    /**
     * A text filter looks at the user's newest {@value #TEXT_WINDOW} jobs first (after the cursor): a common word
     * fills its page there. When it does not, and the user has more jobs than that, the words are looked up in the
     * GIN index, capped at {@value #TEXT_MATCH_CAP} matches, and those are sorted: a rare word's few matches, without
     * reading the user's whole history. Only a word common in old jobs and absent from the newest ones walks it all.
     */
    static final int TEXT_WINDOW = 1_000;
    static final int TEXT_MATCH_CAP = 2_000;

    /** One page of a user's history, newest first; see {@link HistoryQuery}. */
    public HistoryPage page(HistoryQuery query) {
        boolean text = query.text() != null && !query.text().isBlank();
        List<JobRecord> rows = text ? textRows(query) : walkRows(query, false);
        if (rows.size() <= query.limit()) {
            return new HistoryPage(rows, null);
        }
        List<JobRecord> page = new ArrayList<>(rows.subList(0, query.limit()));
        JobRecord last = page.getLast();
        return new HistoryPage(page, new HistoryCursor(last.submittedAtMillis(), last.id()));
    }

    private List<JobRecord> textRows(HistoryQuery query) {
        List<JobRecord> recent = recentRows(query);
        if (recent.size() > query.limit() || windowCoversEverything(query)) {
            return recent;
        }
        List<JobRecord> rare = rareWordRows(query);
        return rare != null ? rare : walkRows(query, true);
    }

    /** Matches among the user's newest {@link #TEXT_WINDOW} jobs after the cursor. */
    private List<JobRecord> recentRows(HistoryQuery query) {
        HistoryQuery unfiltered = new HistoryQuery(query.user(), java.util.Set.of(), null, query.cursor(), query.limit());
        String sql = "WITH recent AS MATERIALIZED (SELECT id, submitted_at_millis, state, prompt_words FROM jobs WHERE "
                + filters(unfiltered, false) + " ORDER BY submitted_at_millis DESC, id DESC LIMIT :window) "
                + "SELECT j.record::text FROM recent r JOIN jobs j ON j.id = r.id "
                + "WHERE r.prompt_words @@ plainto_tsquery('simple', :text)"
                + (query.states().isEmpty() ? "" : " AND r.state IN (<states>)")
                + " ORDER BY r.submitted_at_millis DESC, r.id DESC LIMIT :limit";
        return jdbi.withHandle(handle -> {
            Query select = bindFilters(handle.createQuery(sql), unfiltered, false).bind("text", query.text())
                    .bind("window", TEXT_WINDOW).bind("limit", query.limit() + 1);
            if (!query.states().isEmpty()) {
                select.bindList("states", query.states().stream().map(Enum::name).sorted().toList());
            }
            return select.mapTo(String.class).map(JobHistory::parse).list();
        });
    }

    private boolean windowCoversEverything(HistoryQuery query) {
        HistoryQuery unfiltered = new HistoryQuery(query.user(), java.util.Set.of(), null, query.cursor(), query.limit());
        String sql = "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE " + filters(unfiltered, false)
                + " ORDER BY submitted_at_millis DESC, id DESC LIMIT :window) w";
        long seen = jdbi.withHandle(handle -> bindFilters(handle.createQuery(sql), unfiltered, false)
                .bind("window", TEXT_WINDOW + 1).mapTo(Long.class).one());
        return seen <= TEXT_WINDOW;
    }

    /** The page by walking the user's rows newest first (the index on user and time), filtering as it goes. */
    private List<JobRecord> walkRows(HistoryQuery query, boolean text) {
        String sql = "SELECT record::text FROM jobs WHERE " + filters(query, text)
                + " ORDER BY submitted_at_millis DESC, id DESC LIMIT :limit";
        return jdbi.withHandle(handle -> bindFilters(handle.createQuery(sql), query, text)
                .bind("limit", query.limit() + 1).mapTo(String.class).map(JobHistory::parse).list());
    }

    /** The page from the text index when the words match fewer than {@link #TEXT_MATCH_CAP} jobs; else null. */
    private List<JobRecord> rareWordRows(HistoryQuery query) {
        String sql = "WITH hits AS MATERIALIZED (SELECT id, submitted_at_millis FROM jobs WHERE " + filters(query, true)
                + " LIMIT :cap) SELECT j.record::text AS record, (SELECT COUNT(*) FROM hits) AS matches "
                + "FROM hits h JOIN jobs j ON j.id = h.id ORDER BY h.submitted_at_millis DESC, h.id DESC LIMIT :limit";
        List<Map.Entry<String, Long>> found = jdbi.withHandle(handle -> bindFilters(handle.createQuery(sql), query, true)
                .bind("cap", TEXT_MATCH_CAP).bind("limit", query.limit() + 1)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).list());
        if (!found.isEmpty() && found.getFirst().getValue() >= TEXT_MATCH_CAP) {
            return null;
        }
        return found.stream().map(row -> parse(row.getKey())).toList();
    }

    private static String filters(HistoryQuery query, boolean text) {
        StringBuilder sql = new StringBuilder("user_name = :user");
        if (!query.states().isEmpty()) {
            sql.append(" AND state IN (<states>)");
        }
        if (text) {
            sql.append(" AND prompt_words @@ plainto_tsquery('simple', :text)");
        }
        if (query.cursor() != null) {
            sql.append(" AND (submitted_at_millis, id) < (:at, :after)");
        }
        return sql.toString();
    }

    private static Query bindFilters(Query select, HistoryQuery query, boolean text) {
        select.bind("user", query.user());
        if (!query.states().isEmpty()) {
            select.bindList("states", query.states().stream().map(Enum::name).sorted().toList());
        }
        if (text) {
            select.bind("text", query.text());
        }
        if (query.cursor() != null) {
            select.bind("at", query.cursor().submittedAtMillis()).bind("after", query.cursor().id());
        }
        return select;
    }

    /** Fast time charged to {@code user} by the ledger, over all time. */
    public long chargedMillis(String user) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT COALESCE(SUM(charged_millis), 0) FROM usage_ledger WHERE user_name = :user")
                .bind("user", user).mapTo(Long.class).one());
    }

    public long ledgerRows(String user) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM usage_ledger WHERE user_name = :user")
                .bind("user", user).mapTo(Long.class).one());
    }

    public long count() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM jobs").mapTo(Long.class).one());
    }

    private static JobRecord parse(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), JobRecord.class);
    }

    private static Update bind(Update update, JobRecord job, String plan, long archivedAt) {
        JobSpec spec = job.spec();
        return update.bind("id", job.id()).bind("user", job.user()).bind("state", job.state().name())
                .bind("prompt", spec.prompt()).bind("negative", spec.negativePrompt()).bind("model", spec.modelVersion())
                .bind("aspectWidth", spec.aspectWidth()).bind("aspectHeight", spec.aspectHeight())
                .bind("seed", spec.seed()).bind("quality", spec.quality()).bind("stylize", spec.stylize())
                .bind("chaos", spec.chaos()).bind("lane", spec.lane().name()).bind("plan", plan)
                .bind("attempts", job.attempts()).bind("slot", job.slot()).bind("worker", job.worker())
                .bind("image", job.imagePath()).bind("width", job.imageWidth()).bind("height", job.imageHeight())
                .bind("error", job.error()).bind("note", job.note())
                .bind("submittedAt", job.submittedAtMillis()).bind("queuedAt", nullIfZero(job.queuedAtMillis()))
                .bind("dispatchedAt", nullIfZero(job.dispatchedAtMillis()))
                .bind("startedAt", nullIfZero(job.startedAtMillis()))
                .bind("completedAt", nullIfZero(job.completedAtMillis()))
                .bind("gpuMillis", job.gpuMillis()).bind("chargedMillis", job.chargedMillis())
                .bind("archivedAt", nullIfZero(archivedAt))
                .bind("parentId", spec.derivation() == null ? null : spec.derivation().parentId())
                .bind("action", spec.derivation() == null ? null : spec.derivation().action())
                .bind("record", new String(Json.write(job), StandardCharsets.UTF_8));
    }

    private static Long nullIfZero(long millis) {
        return millis == 0 ? null : millis;
    }

    /** For tools that need raw SQL (the history bench). */
    public <R> R withHandle(java.util.function.Function<Handle, R> work) {
        return jdbi.withHandle(work::apply);
    }
}
