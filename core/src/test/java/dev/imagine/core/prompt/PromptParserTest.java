package dev.imagine.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.Lane;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromptParserTest {
    private final PromptParser parser = new PromptParser(Set.of("v6", "v8"), "v8", () -> 42L);

    @Test
    void parsesDescriptionAndEveryFlag() {
        JobSpec spec = parser.parse("a red fox in snow --ar 16:9 --v 6 --seed 7 --q 0.5 --stylize 250 --chaos 30"
                + " --no trees, people --turbo", Lane.FAST);
        assertThat(spec.prompt()).isEqualTo("a red fox in snow");
        assertThat(spec.aspectWidth()).isEqualTo(16);
        assertThat(spec.aspectHeight()).isEqualTo(9);
        assertThat(spec.modelVersion()).isEqualTo("v6");
        assertThat(spec.seed()).isEqualTo(7);
        assertThat(spec.quality()).isEqualTo(0.5);
        assertThat(spec.stylize()).isEqualTo(250);
        assertThat(spec.chaos()).isEqualTo(30);
        assertThat(spec.negativePrompt()).isEqualTo("trees, people");
        assertThat(spec.lane()).isEqualTo(Lane.TURBO);
    }

    @Test
    void appliesDefaultsAndPicksASeedWhenNoneIsGiven() {
        JobSpec spec = parser.parse("  a lighthouse  ", Lane.RELAX);
        assertThat(spec.prompt()).isEqualTo("a lighthouse");
        assertThat(spec.modelVersion()).isEqualTo("v8");
        assertThat(spec.aspectWidth()).isEqualTo(1);
        assertThat(spec.seed()).isEqualTo(42);
        assertThat(spec.stylize()).isEqualTo(100);
        assertThat(spec.lane()).isEqualTo(Lane.RELAX);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                             | prompt   | prompt is empty",
            "--ar 3:2                       | prompt   | no description",
            "a fox --size 3                 | --size   | unknown flag --size",
            "a fox --ar 0:1                 | --ar     | ratio between 1:4 and 4:1",
            "a fox --ar 5:1                 | --ar     | ratio between 1:4 and 4:1",
            "a fox --ar wide                | --ar     | W:H",
            "a fox --seed -1                | --seed   | from 0 to 4294967295",
            "a fox --seed 4294967296        | --seed   | from 0 to 4294967295",
            "a fox --q 3                    | --q      | 0.25, 0.5, 1 or 2",
            "a fox --stylize 1001           | --stylize| from 0 to 1000",
            "a fox --chaos 101              | --chaos  | from 0 to 100",
            "a fox --v 5                    | --v      | use one of 6, 8",
            "a fox --seed                   | --seed   | needs a value",
            "a fox --seed 1 2               | --seed   | takes one value",
            "a fox --seed 1 --seed 2        | --seed   | given twice",
            "a fox --no                     | --no     | needs the things to leave out",
    })
    void rejectsWithAMessageNamingTheFlag(String prompt, String field, String message) {
        assertThatThrownBy(() -> parser.parse(prompt, Lane.FAST))
                .isInstanceOfSatisfying(PromptException.class, e -> {
                    assertThat(e.field()).isEqualTo(field.trim());
                    assertThat(e.getMessage()).contains(message.trim());
                });
    }

    @Test
    void rejectsAPromptOverTheLengthLimit() {
        String longPrompt = "fox ".repeat(2_500);
        assertThatThrownBy(() -> parser.parse(longPrompt, Lane.FAST))
                .isInstanceOf(PromptException.class)
                .hasMessageContaining("limit is 4000");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> controlCharacters() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("a red\nfox", "U+000A", 6),
                org.junit.jupiter.params.provider.Arguments.of("a red\tfox", "U+0009", 6),
                org.junit.jupiter.params.provider.Arguments.of("fox" + (char) 7 + " in snow", "U+0007", 4),
                org.junit.jupiter.params.provider.Arguments.of("fox " + (char) 0xD83E, "U+D83E", 5));
    }

    @ParameterizedTest(name = "{1}")
    @org.junit.jupiter.params.provider.MethodSource("controlCharacters")
    void refusesControlCharactersAndLoneSurrogatesSayingWhere(String prompt, String code, int position) {
        assertThatThrownBy(() -> parser.parse(prompt, Lane.FAST))
                .isInstanceOfSatisfying(PromptException.class, e -> assertThat(e.field()).isEqualTo("prompt"))
                .hasMessageContaining(code).hasMessageContaining("at character " + position);
    }

    @Test
    void keepsEmojiAndAccentedLetters() {
        assertThat(parser.parse("a café fox 🦊", Lane.FAST).prompt()).isEqualTo("a café fox 🦊");
    }
}
