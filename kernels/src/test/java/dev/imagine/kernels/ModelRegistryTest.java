package dev.imagine.kernels;

import dev.imagine.kernels.ops.ScalarTensorOps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    @Test
    void knowsTheGeneratedV6AndV8AndTheTrainedV9() {
        assertThat(ModelRegistry.versions()).containsExactly("v6", "v8", "v9");
        assertThat(ModelRegistry.DEFAULT_VERSION).isEqualTo("v9");
        assertThat(ModelRegistry.isTrained("v9")).isTrue();
        assertThat(ModelRegistry.isTrained("v8")).isFalse();
    }

    @Test
    void theTrainedVersionTakesItsShapesFromItsModelJsonNotFromThePreset() {
        DiffusionModel model = ModelRegistry.load("v9", ModelPreset.TINY);
        ModelConfig config = model.config();
        assertThat(config.pixelSpace()).isTrue();
        assertThat(config.imageChannels()).isEqualTo(3);
        assertThat(config.patch()).isEqualTo(4);
        assertThat(config.hiddenSize()).isNotEqualTo(ModelPreset.TINY.hiddenSize());
        assertThat(config.vocabulary()).contains("red", "triangle", "background").doesNotContain("fox");
        assertThat(model.plan(new GenerationRequest("a red circle", "", 1, 1, 1, 1, 100, 0)).imageWidth()).isEqualTo(32);
    }

    @Test
    void wordsOutsideTheVocabularyAreListedBackNeverDropped() {
        assertThat(ModelRegistry.ignoredWords("v9", "A red circle, top-left, on a BLUE background with a fox!"))
                .containsExactly("fox");
        assertThat(ModelRegistry.ignoredWords("v9", "a red circle in the center on a blue background")).isEmpty();
        assertThat(ModelRegistry.ignoredWords("v8", "a red fox")).isEmpty();
    }

    @Test
    void loadedModelReportsItsVersionAndPreset() {
        DiffusionModel model = ModelRegistry.load("v6", ModelPreset.SMALL);
        assertThat(model.version()).isEqualTo("v6");
        assertThat(model.preset()).isEqualTo(ModelPreset.SMALL);
    }

    @Test
    void v6SamplesWithDdimAndV8WithRectifiedFlow() {
        assertThat(((DitDiffusionModel) ModelRegistry.load("v6", ModelPreset.TINY)).samplerKind())
                .isEqualTo(Sampler.Kind.DDIM);
        assertThat(((DitDiffusionModel) ModelRegistry.load("v8", ModelPreset.TINY)).samplerKind())
                .isEqualTo(Sampler.Kind.RECTIFIED_FLOW);
    }

    @Test
    void unknownVersionIsRejectedWithTheKnownVersions() {
        assertThatThrownBy(() -> ModelRegistry.load("v7", ModelPreset.TINY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v7")
                .hasMessageContaining("v6")
                .hasMessageContaining("v8");
    }

    @Test
    void versionsHaveDifferentWeights() {
        assertThat(ModelStore.seedFor("v6", ModelPreset.TINY)).isNotEqualTo(ModelStore.seedFor("v8", ModelPreset.TINY));
        DitWeights v6 = weights("v6", ModelPreset.TINY);
        DitWeights v8 = weights("v8", ModelPreset.TINY);
        assertThat(v6.blocks[0].qkv().weight().original()).isNotEqualTo(v8.blocks[0].qkv().weight().original());
    }

    @Test
    void weightsAreScaledByFanIn() {
        DitWeights w = weights("v8", ModelPreset.SMALL);
        float[] fc2 = w.blocks[0].fc2().weight().original(); // fan_in 512
        double sq = 0;
        for (float v : fc2) {
            sq += v * v;
        }
        assertThat(Math.sqrt(sq / fc2.length)).isCloseTo(1 / Math.sqrt(512), org.assertj.core.data.Offset.offset(0.002));
        float[] gates = w.blocks[0].adaLN().weight().original();
        assertThat(gates).isNotEqualTo(new float[gates.length]); // adaLN is small, not zero
    }

    private static DitWeights weights(String version, ModelPreset preset) {
        return new DitWeights(new dev.imagine.kernels.weights.GeneratedWeights(ModelStore.seedFor(version, preset)),
                preset.config(version, Sampler.Kind.RECTIFIED_FLOW), preset.depth(), ScalarTensorOps.INSTANCE);
    }
}
