package dev.imagine.history;

import dev.imagine.core.job.JobRecord;
import java.util.List;

/** Jobs of one page, newest first, and the cursor of the next (null on the last page). */
public record HistoryPage(List<JobRecord> jobs, HistoryCursor next) {
    public HistoryPage {
        jobs = List.copyOf(jobs);
    }
}
