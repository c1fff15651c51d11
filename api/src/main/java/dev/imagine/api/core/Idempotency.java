package dev.imagine.api.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imagine.api.dto.SubmitResponse;
import dev.imagine.api.errors.ApiException;
import dev.imagine.api.errors.BadRequestException;
import dev.imagine.core.account.ApiKeys;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.ZkPaths;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * {@code Idempotency-Key} on {@code POST /v1/imagine}: the same key from the same user within 24 h answers
 * with the first submission's body (200) and makes no second job. The key's record is created in the
 * submission's own transaction ({@link JobStore.CreatedWithJob}), so two racing requests make one job;
 * a record older than the retention is replaced.
 */
public final class Idempotency {
    public static final String HEADER = "Idempotency-Key";
    static final Duration RETENTION = Duration.ofHours(24);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    /** What a key's znode keeps: which request made it (to refuse the key with another one) and the answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stored(String requestSha256, long createdAtMillis, SubmitResponse response) {
    }

    private Idempotency() {
    }

    static void validate(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new BadRequestException(HEADER, HEADER + " must be 1-255 printable ASCII characters without spaces");
        }
    }

    static String path(String user, String key) {
        return ZkPaths.idempotency(user, ApiKeys.sha256(key));
    }

    static String fingerprint(String prompt, String mode) {
        return ApiKeys.sha256(prompt + "\u0000" + (mode == null ? "" : mode));
    }

    /**
     * The earlier answer for this key, if it is within the retention; a request that differs from the one that
     * made the key is a 422. A stale record is deleted (versioned) so that the key can be used again.
     */
    static Optional<SubmitResponse> replay(CuratorFramework zk, String path, String request, long nowMillis)
            throws Exception {
        Stat stat = new Stat();
        Stored stored;
        try {
            stored = Json.read(zk.getData().storingStatIn(stat).forPath(path), Stored.class);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
        if (nowMillis - stored.createdAtMillis() > RETENTION.toMillis()) {
            try {
                zk.delete().withVersion(stat.getVersion()).forPath(path);
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
                // another request replaced it: it will answer below on the create's conflict
            }
            return Optional.empty();
        }
        if (!stored.requestSha256().equals(request)) {
            throw new ApiException(422, HEADER + " was already used within 24 h for a different request (job "
                    + stored.response().id() + "); use a new key for a new request", HEADER);
        }
        return Optional.of(stored.response());
    }
}
