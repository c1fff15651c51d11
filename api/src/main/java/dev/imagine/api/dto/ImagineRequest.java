package dev.imagine.api.dto;

/**
 * Body of {@code POST /v1/imagine}. The submitter is the caller of the API key, never a field.
 *
 * @param prompt      description then flags, e.g. "a red fox in snow --ar 3:2 --seed 7"
 * @param mode        "turbo", "fast" or "relax"; optional (a --turbo/--fast/--relax flag wins)
 * @param callbackUrl optional http(s) URL that receives the finished job (a signed POST, retried until answered)
 */
public record ImagineRequest(String prompt, String mode, String callbackUrl) {
}
