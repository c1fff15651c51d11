package dev.imagine.api.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.imagine.api.dto.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A body that is not the JSON we expect: 400 saying what was wrong and what to send instead. */
public final class InvalidJsonMapper implements ExceptionMapper<JsonProcessingException> {
    static final String EXPECTED = "send {\"prompt\": \"a red fox in snow --ar 3:2\", \"mode\": \"fast\"}";

    @Override
    public Response toResponse(JsonProcessingException exception) {
        String message;
        String field = null;
        if (exception instanceof UnrecognizedPropertyException unknown) {
            field = unknown.getPropertyName();
            message = "unknown field '" + field + "'; known fields: " + unknown.getKnownPropertyIds() + "; " + EXPECTED;
        } else if (exception instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatched
                && !mismatched.getPath().isEmpty() && mismatched.getPath().getLast().getFieldName() != null) {
            field = mismatched.getPath().getLast().getFieldName();
            message = "field '" + field + "' must be " + expected(mismatched.getTargetType()) + "; " + EXPECTED;
        } else {
            String location = exception.getLocation() == null ? ""
                    : " at line " + exception.getLocation().getLineNr() + ", column " + exception.getLocation().getColumnNr();
            message = "request body is not valid JSON" + location + "; " + EXPECTED;
        }
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(400, message, field)).build();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another JSON type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a JSON " + type.getSimpleName();
    }
}
