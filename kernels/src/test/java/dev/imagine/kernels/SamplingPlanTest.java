package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SamplingPlanTest {


    private static SamplingPlan plan(ModelPreset preset, int aw, int ah, double q, int stylize, int chaos) {
        // The plan is a function of the preset alone: no weights needed (XL's would be 2.7 GB).
        return FlagMapping.plan(new GenerationRequest("p", "", 1, aw, ah, q, stylize, chaos), preset);
    }

    @ParameterizedTest(name = "{0} --q {1} -> {2} steps")
    @CsvSource({"TINY,0.25,1", "TINY,0.5,2", "TINY,1,4", "TINY,2,8",
            "SMALL,0.25,5", "SMALL,0.5,10", "SMALL,1,20", "SMALL,2,40"})
    void qualityScalesTheBaseSteps(ModelPreset preset, double q, int steps) {
        assertThat(plan(preset, 1, 1, q, 100, 0).steps()).isEqualTo(steps);
    }

    @ParameterizedTest
    @EnumSource(ModelPreset.class)
    void squareIsThePresetSize(ModelPreset preset) {
        SamplingPlan p = plan(preset, 1, 1, 1, 100, 0);
        assertThat(p.imageWidth() * p.imageHeight()).isEqualTo(preset.pixelsPerImage());
        assertThat(p.imageWidth()).isEqualTo(p.imageHeight());
    }

    @ParameterizedTest
    @EnumSource(ModelPreset.class)
    void aspectKeepsThePixelBudgetAndMultiplesOf16(ModelPreset preset) {
        int[][] ratios = {{1, 1}, {3, 2}, {2, 3}, {16, 9}, {9, 16}, {4, 3}, {21, 9}, {1, 4}, {4, 1}, {7, 5}, {1, 2}, {5, 4}};
        for (int[] r : ratios) {
            SamplingPlan p = plan(preset, r[0], r[1], 1, 100, 0);
            double area = (double) p.imageWidth() * p.imageHeight();
            assertThat(area / preset.pixelsPerImage()).as("--ar %d:%d", r[0], r[1]).isBetween(0.75, 1.25);
            assertThat(p.imageWidth() % 16).isZero();
            assertThat(p.imageHeight() % 16).isZero();
            assertThat(Math.min(p.imageWidth(), p.imageHeight())).isGreaterThanOrEqualTo(16);
            if (preset == ModelPreset.SMALL) {
                // On SMALL every common ratio fits a 16-pixel grid to within 10%.
                double asked = (double) r[0] / r[1];
                assertThat((double) p.imageWidth() / p.imageHeight() / asked).as("--ar %d:%d shape", r[0], r[1])
                        .isBetween(0.9, 1.1);
            }
        }
    }

    @Test
    void aspectFollowsTheRatio() {
        SamplingPlan wide = plan(ModelPreset.SMALL, 16, 9, 1, 100, 0);
        assertThat((double) wide.imageWidth() / wide.imageHeight()).isCloseTo(16.0 / 9, offset(0.25));
        SamplingPlan tall = plan(ModelPreset.TINY, 1, 4, 1, 100, 0);
        assertThat(tall.imageWidth()).isEqualTo(32);
        assertThat(tall.imageHeight()).isEqualTo(128);
    }

    @Test
    void stylizeMapsToGuidanceScale() {
        assertThat(plan(ModelPreset.TINY, 1, 1, 1, 0, 0).guidanceScale()).isEqualTo(1.0f);
        assertThat(plan(ModelPreset.TINY, 1, 1, 1, 100, 0).guidanceScale()).isEqualTo(4.5f);
        assertThat(plan(ModelPreset.TINY, 1, 1, 1, 1000, 0).guidanceScale()).isEqualTo(10.0f);
        assertThat(plan(ModelPreset.TINY, 1, 1, 1, 250, 0).guidanceScale()).isBetween(4.5f, 10f);
    }

    @Test
    void chaosMapsToSpread() {
        assertThat(plan(ModelPreset.TINY, 1, 1, 1, 100, 0).chaosSpread()).isZero();
        assertThat(plan(ModelPreset.TINY, 1, 1, 1, 100, 50).chaosSpread()).isEqualTo(0.5f);
        assertThat(plan(ModelPreset.TINY, 1, 1, 1, 100, 100).chaosSpread()).isEqualTo(1f);
    }

    @Test
    void aLoadedModelPlansWhatItsPresetMaps() {
        GenerationRequest request = new GenerationRequest("p", "", 1, 16, 9, 0.5, 250, 40);
        assertThat(ModelRegistry.load("v8", ModelPreset.TINY).plan(request)).isEqualTo(FlagMapping.plan(request, ModelPreset.TINY));
    }
}
