package dev.imagine.api.dto;

/**
 * Body of {@code POST /v1/imagine}.
 *
 * @param prompt description then flags, e.g. "a red fox in snow --ar 3:2 --seed 7"
 * @param mode   "turbo", "fast" or "relax"; optional (a --turbo/--fast/--relax flag wins)
 * @param user   who submits; optional until authentication arrives
 */
public record ImagineRequest(String prompt, String mode, String user) {
}
