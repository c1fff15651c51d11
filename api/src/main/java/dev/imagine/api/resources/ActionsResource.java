package dev.imagine.api.resources;

import dev.imagine.api.auth.Caller;
import dev.imagine.api.core.Actions;
import dev.imagine.api.core.Idempotency;
import dev.imagine.api.core.JobLookup;
import dev.imagine.api.core.JobSubmitter;
import dev.imagine.api.dto.ActionRequest;
import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.api.dto.SubmitResponse;
import dev.imagine.api.errors.BadRequestException;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.Versioned;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;

/** {@code POST /v1/jobs/{id}/actions}: upscale, variation, reroll or remix of a COMPLETED grid, as a new job. */
@Path("/v1/jobs/{id}/actions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public final class ActionsResource {
    private final JobLookup jobs;
    private final Actions actions;
    private final JobSubmitter submitter;

    public ActionsResource(JobLookup jobs, Actions actions, JobSubmitter submitter) {
        this.jobs = jobs;
        this.actions = actions;
        this.submitter = submitter;
    }

    @POST
    public Response act(@PathParam("id") String id, ActionRequest request, @Context ContainerRequestContext context,
                        @HeaderParam(Idempotency.HEADER) String idempotencyKey) throws Exception {
        if (request == null) {
            throw new BadRequestException("action", "request body is empty; send {\"action\": \"upscale\", \"index\": 1}");
        }
        Optional<Versioned<JobRecord>> parent = jobs.findOwn(id, Caller.of(context).name());
        if (parent.isEmpty()) {
            return Response.status(404).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(404, "no job " + id + " of yours", "id")).build();
        }
        Lane lane = request.mode() == null ? parent.get().value().spec().lane() : ImagineResource.lane(request.mode());
        JobSpec spec = actions.specFor(parent.get().value(), request, lane);
        String fingerprint = String.join("\u0000", "action", id, String.valueOf(request.action()),
                String.valueOf(request.index()), String.valueOf(request.strength()), String.valueOf(request.prompt()),
                String.valueOf(request.mode()));
        JobSubmitter.Submission submission = submitter.submitDerived(spec,
                request.prompt() != null ? request.prompt() : spec.prompt(), fingerprint, request.callbackUrl(),
                Caller.versioned(context), idempotencyKey, java.util.List.of());
        SubmitResponse body = submission.response();
        return Response.status(submission.replayed() ? 200 : 202).entity(body).location(URI.create(body.statusUrl())).build();
    }
}
