package dev.imagine.api.resources;

import dev.imagine.api.auth.Caller;
import dev.imagine.api.core.JobLookup;
import dev.imagine.api.core.QueueEstimate;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.api.dto.JobView;
import dev.imagine.api.errors.ApiException;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.store.CorruptImageException;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import dev.imagine.api.core.ImageLinks;
import dev.imagine.history.JobHistory;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/jobs/{id}} (state, progress, timings; position and estimated start while waiting),
 * {@code DELETE /v1/jobs/{id}} (cancel), {@code .../grid.png} and {@code .../preview.png}. A caller sees only
 * their own jobs: another user's job id is a 404, exactly like an id that does not exist.
 */
@Path("/v1/jobs/{id}")
public final class JobsResource {
    /** A cancel racing the dispatcher or a worker re-reads and tries again this often. */
    private static final int CANCEL_ATTEMPTS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(JobsResource.class);
    /** A year, and never revalidated: a grid's bytes never change under its name. */
    private static final CacheControl IMMUTABLE = CacheControl.valueOf("public, max-age=31536000, immutable");

    private final ZooKeeperConnection zk;
    private final ImageStore images;
    private final QueueEstimate estimates;
    private final Clock clock;
    private final JobHistory history;
    private final ImageLinks links;

    /** @param history where a job is found once it has left ZooKeeper (null: nowhere) */
    public JobsResource(ZooKeeperConnection zk, ImageStore images, QueueEstimate estimates, Clock clock,
                        JobHistory history, ImageLinks links) {
        this.zk = zk;
        this.images = images;
        this.estimates = estimates;
        this.clock = clock;
        this.history = history;
        this.links = links;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response job(@PathParam("id") String id, @Context ContainerRequestContext context) throws Exception {
        Optional<Versioned<JobRecord>> job = find(id, context);
        if (job.isEmpty()) {
            return notFound(id);
        }
        JobRecord record = job.get().value();
        QueueEstimate.Estimate estimate = record.state() == JobState.QUEUED ? estimates.of(record) : null;
        return Response.ok(JobView.of(record, estimate, links)).build();
    }

    /** Cancels a waiting or running job; a running one stops at its next step and frees its slot. */
    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public Response cancel(@PathParam("id") String id, @Context ContainerRequestContext context) throws Exception {
        for (int attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
            Optional<Versioned<JobRecord>> job = find(id, context);
            if (job.isEmpty()) {
                return notFound(id);
            }
            JobState state = job.get().value().state();
            if (state.isTerminal()) {
                throw new ApiException(409, "job " + id + " is already " + state + "; only waiting or running jobs can be cancelled", "id");
            }
            if (!state.canMoveTo(JobState.CANCELLED)) {
                throw new ApiException(409, "job " + id + " is " + state + " (its grid is being stored); it can no longer be cancelled", "id");
            }
            if (job.get().version() < 0) {
                throw new ApiException(409, "job " + id + " is already " + state + "; only waiting or running jobs can be cancelled", "id");
            }
            if (store().cancel(job.get(), "cancelled by " + Caller.of(context).name(), clock.millis())) {
                return Response.ok(JobView.of(store().get(id).orElseThrow().value(), null, links)).build();
            }
        }
        throw new ApiException(409, "job " + id + " kept changing while cancelling; try again", "id");
    }

    @GET
    @Path("grid.png")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response grid(@PathParam("id") String id, @Context ContainerRequestContext context,
                         @Context Request request) throws Exception {
        Optional<Versioned<JobRecord>> job = find(id, context);
        if (job.isEmpty()) {
            return notFound(id);
        }
        if (job.get().value().state() != JobState.COMPLETED) {
            return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(409, "job " + id + " is " + job.get().value().state()
                            + "; its grid exists once it is COMPLETED (poll /v1/jobs/" + id + ")", "id")).build();
        }
        Optional<ImageStore.Image> png;
        try {
            png = images.read(job.get().value().imagePath());
        } catch (CorruptImageException corrupt) {
            LOG.error("Not serving the grid of job {}: {}", id, corrupt.getMessage());
            return Response.status(410).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(410, "the stored grid of job " + id + " failed its integrity check and is "
                            + "not served; the operator has been told", "id")).build();
        }
        if (png.isEmpty()) {
            return Response.status(410).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(410, "the grid of job " + id + " is no longer in the image store", "id"))
                    .build();
        }
        // A grid never changes: its hash is its entity tag, and any cache in front may keep it for good.
        EntityTag tag = new EntityTag(png.get().sha256());
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        if (unchanged != null) {
            return unchanged.cacheControl(IMMUTABLE).build();
        }
        return Response.ok(png.get().bytes(), "image/png").tag(tag).cacheControl(IMMUTABLE).build();
    }

    /** The latest low-resolution preview while the job renders (every few steps); 404 before the first. */
    @GET
    @Path("preview.png")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response preview(@PathParam("id") String id, @Context ContainerRequestContext context) throws Exception {
        Optional<Versioned<JobRecord>> job = find(id, context);
        if (job.isEmpty()) {
            return notFound(id);
        }
        JobRecord record = job.get().value();
        if (record.state().isTerminal()) {
            return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(404, "job " + id + " is " + record.state() + ": previews are deleted once a job "
                            + "is finished" + (record.state() == JobState.COMPLETED ? "; its grid is at /v1/jobs/" + id
                            + "/grid.png" : ""), "id")).build();
        }
        // The preview the record names: a stale attempt's progress write fails, so its previews are never named.
        String preview = record.preview();
        Optional<ImageStore.Image> png = preview == null ? Optional.empty() : images.read(preview);
        if (png.isEmpty()) {
            return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(404, "job " + id + " has no preview yet; the first comes a few steps into rendering", "id"))
                    .build();
        }
        return Response.ok(png.get().bytes(), "image/png").build();
    }

    private Optional<Versioned<JobRecord>> find(String id, ContainerRequestContext context) throws Exception {
        return new JobLookup(zk, history).findOwn(id, Caller.of(context).name());
    }

    private JobStore store() {
        return new JobStore(zk.client());
    }

    private static Response notFound(String id) {
        return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(404, "no job with id '" + id + "'", "id")).build();
    }
}
