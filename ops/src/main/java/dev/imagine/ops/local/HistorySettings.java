package dev.imagine.ops.local;

import java.time.Duration;

/**
 * Where {@code up} keeps the history: an embedded PostgreSQL under {@code <var>/pg} (the default), or an external
 * one at {@code jdbcUrl}; and how long finished jobs stay in ZooKeeper.
 */
public record HistorySettings(String jdbcUrl, String user, String password, Duration retention) {
    public static final HistorySettings EMBEDDED = new HistorySettings(null, null, null, Duration.ofMinutes(5));

    public boolean embedded() {
        return jdbcUrl == null;
    }

    public HistorySettings withRetention(Duration newRetention) {
        return new HistorySettings(jdbcUrl, user, password, newRetention);
    }
}
