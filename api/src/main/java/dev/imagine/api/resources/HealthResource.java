package dev.imagine.api.resources;

import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
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

    public HealthResource(ZooKeeperConnection zk) {
        this.zk = zk;
    }

    @GET
    public Response health() {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            JobStore store = new JobStore(zk.client());
            Map<String, Integer> lanes = new LinkedHashMap<>();
            for (Lane lane : Lane.values()) {
                lanes.put(lane.pathName(), store.laneDepth(lane));
            }
            body.put("status", "ok");
            body.put("zookeeper", zk.address());
            body.put("queued", lanes);
            return Response.ok(body).build();
        } catch (Exception e) {
            body.put("status", "unavailable");
            body.put("message", "ZooKeeper at " + zk.address() + " does not answer: " + e.getMessage());
            return Response.status(503).entity(body).build();
        }
    }
}
