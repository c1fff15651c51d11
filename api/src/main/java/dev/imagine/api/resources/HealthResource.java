package dev.imagine.api.resources;

import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.job.Lane;
import dev.imagine.api.core.LanesCache;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /v1/health}: 200 with lane depths when ZooKeeper answers, 503 saying why when not. */
@Path("/v1/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private final ZooKeeperConnection zk;
    private final LanesCache lanes;

    public HealthResource(ZooKeeperConnection zk, LanesCache lanes) {
        this.zk = zk;
        this.lanes = lanes;
    }

    @GET
    public Response health() {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            // A real read first: the index alone would answer from memory with ZooKeeper gone.
            zk.client().checkExists().forPath(dev.imagine.core.zk.ZkPaths.LANES);
            Map<String, Integer> depths = new LinkedHashMap<>();
            for (Lane lane : Lane.values()) {
                depths.put(lane.pathName(), lanes.depth(lane));
            }
            body.put("status", "ok");
            body.put("zookeeper", zk.address());
            body.put("queued", depths);
            return Response.ok(body).build();
        } catch (Exception e) {
            body.put("status", "unavailable");
            body.put("message", "ZooKeeper at " + zk.address() + " does not answer: " + e.getMessage());
            return Response.status(503).entity(body).build();
        }
    }
}
