package dev.imagine.api.errors;

import dev.imagine.api.dto.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Request errors become 400s that name the flag or field and what is allowed. */
public final class BadRequestMapper implements ExceptionMapper<BadRequestException> {
    @Override
    public Response toResponse(BadRequestException exception) {
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(400, exception.getMessage(), exception.field())).build();
    }
}
