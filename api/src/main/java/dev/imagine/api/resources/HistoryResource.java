package dev.imagine.api.resources;

import dev.imagine.api.auth.Caller;
import dev.imagine.api.core.ImageLinks;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.dto.JobView;
import dev.imagine.api.errors.ApiException;
import dev.imagine.api.errors.BadRequestException;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import dev.imagine.history.HistoryCursor;
import dev.imagine.history.HistoryPage;
import dev.imagine.history.HistoryQuery;
import dev.imagine.history.JobHistory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/jobs?limit=&cursor=&state=&q=}: the caller's jobs from the history, newest first, a page at a time
 * ({@code next} is the cursor of the following page, absent on the last). {@code state} takes one or more states
 * (comma-separated or repeated), {@code q} words that must all be in the prompt. Rows of jobs still live are shown
 * as ZooKeeper has them now (the history's copy of a running job lags by up to an archiver pass).
 */
@Path("/v1/jobs")
public final class HistoryResource {
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_QUERY = 200;

    private final JobHistory history;
    private final ZooKeeperConnection zk;
    private final ImageLinks links;

    public HistoryResource(JobHistory history, ZooKeeperConnection zk, ImageLinks links) {
        this.history = history;
        this.zk = zk;
        this.links = links;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                    @QueryParam("state") List<String> states, @QueryParam("q") String text,
                                    @Context ContainerRequestContext context) throws Exception {
        if (history == null) {
            throw new ApiException(503, "this API has no history database configured (database: in its config)", null);
        }
        HistoryQuery query = new HistoryQuery(Caller.of(context).name(), parseStates(states), parseText(text),
                parseCursor(cursor), parseLimit(limit));
        HistoryPage page = history.page(query);
        JobStore store = new JobStore(zk.client());
        List<JobView> jobs = new ArrayList<>();
        for (JobRecord job : page.jobs()) {
            jobs.add(JobView.of(live(store, job), null, links));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", jobs);
        if (page.next() != null) {
            body.put("next", page.next().encode());
        }
        return body;
    }

    /** A job the history does not have finished yet, as ZooKeeper has it now (unless it is gone from there too). */
    private static JobRecord live(JobStore store, JobRecord job) throws Exception {
        if (job.state().isTerminal()) {
            return job;
        }
        Optional<Versioned<JobRecord>> current = store.get(job.id());
        return current.map(Versioned::value).orElse(job);
    }

    private static int parseLimit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= HistoryQuery.MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // told below
        }
        throw new BadRequestException("limit", "limit must be a whole number from 1 to " + HistoryQuery.MAX_LIMIT);
    }

    private static HistoryCursor parseCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        return HistoryCursor.decode(cursor).orElseThrow(() -> new BadRequestException("cursor",
                "cursor is not one this API gave out; pass the 'next' of the previous page unchanged"));
    }

    private static Set<JobState> parseStates(List<String> values) {
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                try {
                    states.add(JobState.valueOf(part.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException unknown) {
                    throw new BadRequestException("state", "state '" + part.trim() + "' is not one of "
                            + java.util.Arrays.toString(JobState.values()));
                }
            }
        }
        return states;
    }

    private static String parseText(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > MAX_QUERY || text.chars().anyMatch(Character::isISOControl)) {
            throw new BadRequestException("q", "q must be at most " + MAX_QUERY + " characters of text, without control characters");
        }
        return text;
    }
}
