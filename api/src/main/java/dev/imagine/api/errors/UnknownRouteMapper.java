package dev.imagine.api.errors;

import dev.imagine.api.dto.ErrorMessage;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * A path no resource serves (404) or a method it does not take (405), said so that the caller can fix it: the path
 * or method, and what exists. Other framework refusals keep their status with their own message.
 */
public final class UnknownRouteMapper implements ExceptionMapper<WebApplicationException> {
    @Context
    UriInfo uri;

    @Override
    public Response toResponse(WebApplicationException exception) {
        if (exception.getResponse().hasEntity()) {
            // already in words (ApiException and the like)
            return exception.getResponse();
        }
        int status = exception.getResponse().getStatus();
        String path = uri == null ? "this path" : "/" + uri.getPath();
        String message = switch (exception) {
            case NotFoundException notFound -> "no such resource: " + path + "; the API serves /v1/imagine, /v1/jobs/{id} "
                    + "(with /grid.png, /preview.png), /v1/me and /v1/health";
            case NotAllowedException notAllowed -> "this method is not allowed on " + path + "; allowed: "
                    + exception.getResponse().getAllowedMethods();
            default -> exception.getMessage() == null ? "request refused with status " + status : exception.getMessage();
        };
        Response.ResponseBuilder reply = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(status, message, null));
        exception.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                values.forEach(v -> reply.header(name, v));
            }
        });
        return reply.build();
    }
}
