package dev.imagine.api.errors;

import dev.imagine.api.dto.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper out of reach (after Curator's retries) is the service being unavailable, not a server bug:
 * 503 with Retry-After. Submissions are one transaction, so nothing was queued half-way.
 */
public final class ZooKeeperUnavailableMapper implements ExceptionMapper<KeeperException> {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperUnavailableMapper.class);

    @Override
    public Response toResponse(KeeperException exception) {
        LOG.warn("ZooKeeper unavailable: {}", exception.toString());
        return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", "5")
                .entity(new ErrorMessage(503, "the job queue (ZooKeeper) is unavailable (" + exception.code()
                        + "); nothing was changed, retry shortly", null))
                .build();
    }
}
