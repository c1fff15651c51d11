package dev.imagine.api.errors;

import dev.imagine.api.dto.ErrorMessage;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A 4xx with our JSON body, for statuses other than 400 (403, 404, 409, 422). */
public class ApiException extends WebApplicationException {
    public ApiException(int status, String message, String field) {
        super(message, Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(status, message, field)).build());
    }
}
