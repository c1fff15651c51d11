package dev.imagine.api.resources;

import dev.imagine.api.core.JobSubmitter;
import dev.imagine.api.dto.ImagineRequest;
import dev.imagine.api.dto.SubmitResponse;
import dev.imagine.api.errors.BadRequestException;
import dev.imagine.core.job.Lane;
import dev.imagine.core.prompt.PromptException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import dev.imagine.api.auth.Caller;
import dev.imagine.api.core.Idempotency;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;

/** {@code POST /v1/imagine}: accept, validate and queue a prompt; 202 with the job id. */
@Path("/v1/imagine")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public final class ImagineResource {
    private final JobSubmitter submitter;
    private final Lane defaultLane;

    public ImagineResource(JobSubmitter submitter, Lane defaultLane) {
        this.submitter = submitter;
        this.defaultLane = defaultLane;
    }

    @POST
    public Response imagine(ImagineRequest request, @Context ContainerRequestContext context,
                            @HeaderParam(Idempotency.HEADER) String idempotencyKey) throws Exception {
        if (request == null) {
            throw new BadRequestException("prompt", "request body is empty; send {\"prompt\": \"a red fox in snow\"}");
        }
        Lane lane = request.mode() == null ? defaultLane : lane(request.mode());
        JobSubmitter.Submission submission;
        try {
            submission = submitter.submit(request.prompt(), request.mode(), lane, request.callbackUrl(),
                    Caller.versioned(context), idempotencyKey, java.util.List.of());
        } catch (PromptException e) {
            throw new BadRequestException(e.field(), e.getMessage());
        }
        SubmitResponse body = submission.response();
        // A replay of an Idempotency-Key is a 200 with the first answer's body: the job exists already.
        return Response.status(submission.replayed() ? 200 : 202).entity(body)
                .location(URI.create(body.statusUrl())).build();
    }

    static Lane lane(String mode) {
        try {
            return Lane.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("mode", e.getMessage());
        }
    }
}
