package dev.imagine.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answer to an accepted submission (202): where to follow the job.
 *
 * @param lane the lane it was queued in (Relax when Fast time ran out)
 * @param note why the scheduler changed something the caller asked for, if it did
 * @param ignoredWords the prompt's words outside the model's closed vocabulary (absent for open-vocabulary models)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmitResponse(String id, String state, long seed, String lane, String note, String statusUrl,
                             java.util.List<String> ignoredWords) {
}
