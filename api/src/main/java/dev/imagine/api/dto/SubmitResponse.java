package dev.imagine.api.dto;

/** Answer to an accepted submission (202): where to follow the job. */
public record SubmitResponse(String id, String state, long seed, String statusUrl) {
}
