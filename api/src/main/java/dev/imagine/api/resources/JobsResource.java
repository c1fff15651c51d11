package dev.imagine.api.resources;

import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.api.dto.JobView;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code GET /v1/jobs/{id}} (state, progress, timings), {@code .../grid.png} and {@code .../preview.png}. */
@Path("/v1/jobs/{id}")
public final class JobsResource {
    private static final Pattern ID = Pattern.compile("[a-z0-9]{1,20}-[a-z0-9]{1,20}");

    private final ZooKeeperConnection zk;
    private final ImageStore images;

    public JobsResource(ZooKeeperConnection zk, ImageStore images) {
        this.zk = zk;
        this.images = images;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response job(@PathParam("id") String id) throws Exception {
        Optional<JobRecord> job = find(id);
        return job.isPresent() ? Response.ok(JobView.of(job.get())).build() : notFound(id);
    }

    @GET
    @Path("grid.png")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response grid(@PathParam("id") String id) throws Exception {
        Optional<JobRecord> job = find(id);
        if (job.isEmpty()) {
            return notFound(id);
        }
        if (job.get().state() != JobState.COMPLETED) {
            return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(409, "job " + id + " is " + job.get().state()
                            + "; its grid exists once it is COMPLETED (poll /v1/jobs/" + id + ")", "id")).build();
        }
        Optional<InputStream> png = images.open(job.get().imagePath());
        if (png.isEmpty()) {
            return Response.status(410).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(410, "the grid of job " + id + " is no longer in the image store", "id"))
                    .build();
        }
        return Response.ok(png.get(), "image/png").build();
    }

    /** The latest low-resolution preview while the job renders (every few steps); 404 before the first. */
    @GET
    @Path("preview.png")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response preview(@PathParam("id") String id) throws Exception {
        if (find(id).isEmpty()) {
            return notFound(id);
        }
        Optional<InputStream> png = images.open(ImageStore.previewKey(id) + ".png");
        if (png.isEmpty()) {
            return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(404, "job " + id + " has no preview yet; the first comes a few steps into rendering", "id"))
                    .build();
        }
        return Response.ok(png.get(), "image/png").build();
    }

    private Optional<JobRecord> find(String id) throws Exception {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return new JobStore(zk.client()).get(id).map(Versioned::value);
    }

    private static Response notFound(String id) {
        return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(404, "no job with id '" + id + "'", "id")).build();
    }
}
