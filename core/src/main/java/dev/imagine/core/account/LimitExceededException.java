package dev.imagine.core.account;

/**
 * A submission over one of the plan's limits: nothing was written. The API answers 429 with
 * {@code Retry-After}; the message names the limit.
 *
 * @see Plan
 */
public final class LimitExceededException extends RuntimeException {
    private final String limit;
    private final long retryAfterSeconds;

    public LimitExceededException(String limit, String message, long retryAfterSeconds) {
        super(message);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Which limit: "waiting", "fast-time", "relax-depth". */
    public String limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
