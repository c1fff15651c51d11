package dev.imagine.history;

import dev.imagine.core.job.JobState;
import java.util.Set;

/**
 * One page of a user's history: newest first, after {@code cursor} (null: from the newest), only {@code states}
 * (empty: all), only prompts containing every word of {@code text} (null: all).
 */
public record HistoryQuery(String user, Set<JobState> states, String text, HistoryCursor cursor, int limit) {
    public static final int MAX_LIMIT = 100;

    public HistoryQuery {
        states = Set.copyOf(states);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
    }
}
