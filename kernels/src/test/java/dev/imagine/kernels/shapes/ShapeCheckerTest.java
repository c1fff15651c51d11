package dev.imagine.kernels.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.kernels.SplitMix64;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker on rendered ground truth: what eval's numbers rest on. */
class ShapeCheckerTest {

    @Test
    void readsEveryAttributeOfTwoThousandRenderedImagesAtTheModelsSize() {
        Map<String, Double> score = validate(2000, 32, 11);
        assertThat(score).allSatisfy((attribute, accuracy) -> assertThat(accuracy).as(attribute).isGreaterThanOrEqualTo(0.99));
    }

    @Test
    void readsUpscaledSizesToo() {
        Map<String, Double> score = validate(300, 128, 12);
        assertThat(score.get("all")).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void anImageWithoutTheObjectIsWrongOnEverythingButTheBackground() {
        Scene scene = new Scene("blue", "red", "circle", "top left", 1 / 3.0, 0, 0);
        int[] plain = new int[32 * 32];
        Arrays.fill(plain, (30 << 16) | (60 << 8) | 230);
        ShapeChecker.Reading r = ShapeChecker.check(plain, 32);
        assertThat(r.background()).isEqualTo("blue");
        assertThat(ShapeChecker.score(List.of(r), List.of(scene)).get("all")).isZero();
    }

    @Test
    void tellsEachWrongAttributeApart() {
        Scene asked = new Scene("blue", "red", "triangle", "bottom right", 1 / 3.0, 0, 0);
        for (Scene drawn : List.of(
                new Scene("green", "red", "triangle", "bottom right", 1 / 3.0, 0, 0),
                new Scene("blue", "yellow", "triangle", "bottom right", 1 / 3.0, 0, 0),
                new Scene("blue", "red", "cross", "bottom right", 1 / 3.0, 0, 0),
                new Scene("blue", "red", "triangle", "center", 1 / 3.0, 0, 0))) {
            Map<String, Double> s = ShapeChecker.score(List.of(ShapeChecker.check(drawn.render(32), 32)), List.of(asked));
            assertThat(s.get("all")).as(drawn.toString()).isZero();
            assertThat(s.values().stream().filter(v -> v == 1.0).count()).as(drawn.toString()).isEqualTo(3);
        }
    }

    static Map<String, Double> validate(int n, int side, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        List<Scene> scenes = new ArrayList<>();
        List<ShapeChecker.Reading> readings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Scene s = Scene.random(rng);
            scenes.add(s);
            readings.add(ShapeChecker.check(s.render(side), side));
        }
        return ShapeChecker.score(readings, scenes);
    }
}
