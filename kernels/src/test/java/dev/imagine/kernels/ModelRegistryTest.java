package dev.imagine.kernels;

import dev.imagine.kernels.ops.ScalarTensorOps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    @Test
    void knowsV6AndV8() {
        assertThat(ModelRegistry.versions()).containsExactly("v6", "v8");
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
                preset, preset.depth(), ScalarTensorOps.INSTANCE);
    }
}
