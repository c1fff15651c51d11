package dev.imagine.core.account;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A user as stored in ZooKeeper under {@code /users/<name>}: plan, key hashes and the live counters,
 * in one znode so that one versioned compare-and-set covers a limit check and the change it guards.
 *
 * @param waiting        jobs QUEUED now
 * @param running        jobs DISPATCHED, PROCESSING or UPLOADING now
 * @param month          the UTC month ("2026-12") {@code fastMillisUsed} counts in; a new month starts at zero
 * @param fastMillisUsed Fast GPU time charged this month (Turbo counts twice)
 * @param lastDispatchedAtMillis when a job of this user last went to a slot: the fair order's memory
 */
public record Account(String name, Plan plan, List<ApiKey> keys, int waiting, int running, String month,
                      long fastMillisUsed, long createdAtMillis, long lastDispatchedAtMillis, String webhookSecret) {

    public Account {
        keys = List.copyOf(keys);
    }

    public Account(String name, Plan plan, List<ApiKey> keys, int waiting, int running, String month,
                   long fastMillisUsed, long createdAtMillis, long lastDispatchedAtMillis) {
        this(name, plan, keys, waiting, running, month, fastMillisUsed, createdAtMillis, lastDispatchedAtMillis, null);
    }

    public static Account create(String name, Plan plan, ApiKey key, long nowMillis) {
        return new Account(name, plan, List.of(key), 0, 0, monthOf(nowMillis), 0, nowMillis, 0, ApiKeys.webhookSecret());
    }

    /** The key its completion webhooks are signed with (HMAC-SHA256); rotated by the operator. */
    public Account withWebhookSecret(String secret) {
        return new Account(name, plan, keys, waiting, running, month, fastMillisUsed, createdAtMillis,
                lastDispatchedAtMillis, secret);
    }

    public static String monthOf(long millis) {
        return Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC).toString().substring(0, 7);
    }

    /** Fast time used in the month of {@code nowMillis}. */
    public long fastMillisUsed(long nowMillis) {
        return monthOf(nowMillis).equals(month) ? fastMillisUsed : 0;
    }

    public long fastMillisLeft(long nowMillis) {
        return Math.max(0, plan.fastMillisPerMonth() - fastMillisUsed(nowMillis));
    }

    public Account withCounts(int waitingDelta, int runningDelta) {
        return new Account(name, plan, keys, Math.max(0, waiting + waitingDelta), Math.max(0, running + runningDelta),
                month, fastMillisUsed, createdAtMillis, lastDispatchedAtMillis, webhookSecret);
    }

    /** One of its jobs went to a slot now: one fewer waiting, one more running, and the fair order's clock. */
    public Account dispatched(long nowMillis) {
        return new Account(name, plan, keys, Math.max(0, waiting - 1), running + 1, month, fastMillisUsed, createdAtMillis,
                nowMillis, webhookSecret);
    }

    public Account charged(long fastMillis, long nowMillis) {
        String now = monthOf(nowMillis);
        long used = now.equals(month) ? fastMillisUsed : 0;
        return new Account(name, plan, keys, waiting, running, now, used + fastMillis, createdAtMillis,
                lastDispatchedAtMillis, webhookSecret);
    }

    public Account withPlan(Plan newPlan) {
        return new Account(name, newPlan, keys, waiting, running, month, fastMillisUsed, createdAtMillis, lastDispatchedAtMillis, webhookSecret);
    }

    public Account withKey(ApiKey key) {
        List<ApiKey> next = new ArrayList<>(keys);
        next.add(key);
        return new Account(name, plan, next, waiting, running, month, fastMillisUsed, createdAtMillis, lastDispatchedAtMillis, webhookSecret);
    }

    public Account withoutKey(String keyId) {
        List<ApiKey> next = new ArrayList<>(keys);
        next.removeIf(k -> k.id().equals(keyId));
        return new Account(name, plan, next, waiting, running, month, fastMillisUsed, createdAtMillis, lastDispatchedAtMillis, webhookSecret);
    }
}
