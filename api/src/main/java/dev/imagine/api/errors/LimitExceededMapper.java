package dev.imagine.api.errors;

import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.core.account.LimitExceededException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A plan limit or the Relax backpressure: 429 with Retry-After and a message that names the limit. */
public final class LimitExceededMapper implements ExceptionMapper<LimitExceededException> {
    @Override
    public Response toResponse(LimitExceededException exception) {
        return Response.status(429).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", Long.toString(Math.max(1, exception.retryAfterSeconds())))
                .entity(new ErrorMessage(429, exception.getMessage(), exception.limit())).build();
    }
}
