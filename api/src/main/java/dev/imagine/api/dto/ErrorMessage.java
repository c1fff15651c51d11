package dev.imagine.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Every 4xx body: the status, what to fix, and the field or flag at fault when there is one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorMessage(int code, String message, String field) {
}
