package dev.imagine.api.dto;

/**
 * Body of {@code POST /v1/jobs/{id}/actions}: a new job made from the parent's grid.
 *
 * @param action      "upscale", "variation", "reroll" or "remix"
 * @param index       which image of the grid, 1–4 (U1–U4, V1–V4); not for a reroll
 * @param strength    for a variation: "subtle" (default) or "strong"
 * @param prompt      for a remix: the new prompt (flags allowed); its flags replace the parent's
 * @param mode        "turbo", "fast" or "relax"; default the parent's lane
 * @param callbackUrl as on a submission
 */
public record ActionRequest(String action, Integer index, String strength, String prompt, String mode, String callbackUrl) {
}
