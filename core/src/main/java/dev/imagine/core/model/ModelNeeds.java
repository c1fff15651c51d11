package dev.imagine.core.model;

import java.util.Map;

/**
 * What a model version needs of a slot, and what the scheduler plans with. Slots report what they have in
 * their Helix instance config ({@link #DEVICE_MEMORY_MB}, {@link #DEVICE_KIND}).
 *
 * @param deviceMemoryMb weights plus activations of one 2x2 grid at the largest size
 * @param gpuMillisPerJob typical GPU time of one job (the seed's table, ch. 1), for estimates and the simulator
 * @param swapMillis      time to load the weights onto a slot (the seed: "several seconds")
 */
public record ModelNeeds(String version, int deviceMemoryMb, long gpuMillisPerJob, long swapMillis) {
    public static final String DEVICE_MEMORY_MB = "DEVICE_MEMORY_MB";
    public static final String DEVICE_KIND = "DEVICE_KIND";

    private static final Map<String, ModelNeeds> DEFAULTS = Map.of(
            "v6", new ModelNeeds("v6", 16_384, 40_000, 8_000),
            "v8", new ModelNeeds("v8", 8_192, 12_000, 5_000),
            // the trained 2.7 M-parameter pixel-space shapes model: 32x32 images, a grid in about a second
            "v9", new ModelNeeds("v9", 1_024, 1_500, 1_000),
            // the 2x super-resolution net: a few convolutions, no transformer
            "upscaler", new ModelNeeds("upscaler", 2_048, 2_000, 1_000));

    /** The needs of a version; an unknown one is assumed to need what v8 does. */
    public static ModelNeeds of(String version) {
        ModelNeeds needs = DEFAULTS.get(version);
        return needs != null ? needs : new ModelNeeds(version, 8_192, 12_000, 5_000);
    }
}
