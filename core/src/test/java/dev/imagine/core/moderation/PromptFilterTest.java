package dev.imagine.core.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PromptFilterTest {
    private final PromptFilter filter = new PromptFilter(ModerationPolicy.parse("""
            [test]
            imagine-moderation-test
            [gore]
            gore
            [sexual]
            nude
            explicit sex
            """, "test policy"));

    @ParameterizedTest
    @ValueSource(strings = {
            "imagine-moderation-test",
            "a fox, IMAGINE-MODERATION-TEST --ar 16:9",
            "imagine moderation test",
            "i m a g i n e - m o d e r a t i o n - t e s t",
            "imagine.moderation.test",
            "1m4g1n3-m0d3r4t10n-t35t",
            "iiimagine-moderation-teeest",
            "ｉｍａｇｉｎｅ－ｍｏｄｅｒａｔｉｏｎ－ｔｅｓｔ", // fullwidth
            "𝐢𝐦𝐚𝐠𝐢𝐧𝐞-moderation-test", // mathematical bold
            "imаgine-mоderаtiоn-test", // Cyrillic а and о
            "imagine\u200B-moder\u00ADation-te\u200Dst", // zero-width space, soft hyphen, zero-width joiner
            "ímágíné-módératíón-tést", // accents
            "imagine-moderation-test\uFE0F"})
    void refusesTheTestTermHoweverItIsDisguised(String prompt) {
        assertThat(filter.check(prompt)).hasValueSatisfying(flag -> {
            assertThat(flag.category()).isEqualTo("test");
            assertThat(flag.term()).isEqualTo("imagine-moderation-test");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"g o r e", "G.O.R.E", "g0r3", "a scene of g-o-r-e", "GORE!!!",
            "Νude statue", "explicit    sex", "explicit_sex", "EXPLICIT-SEX"})
    void refusesOtherCategoriesByName(String prompt) {
        assertThat(filter.check(prompt)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a red fox in snow --ar 16:9", "gorgeous sunset over the sea", "a nudibranch in a reef",
            "a sexton beetle", "explicit instructions", "the gores of a skirt", "g orange", "mo derate test"})
    void letsOrdinaryPromptsThrough(String prompt) {
        assertThat(filter.check(prompt)).isEmpty();
    }

    @Test
    void theShippedPolicyHasTheTestCategory() {
        ModerationPolicy shipped = ModerationPolicy.shipped();
        assertThat(shipped.categories().get("test")).containsExactly(ModerationPolicy.TEST_TERM);
        assertThat(new PromptFilter(shipped).check("a fox, imagine moderation test")).map(PromptFilter.Flag::category)
                .hasValue("test");
        assertThat(new PromptFilter(shipped).check("a red fox in snow, golden hour")).isEmpty();
    }

    @Test
    void aBrokenPolicyFileNamesTheLineAtFault() {
        assertThatThrownBy(() -> ModerationPolicy.parse("# x\nterm before\n", "p.txt"))
                .hasMessageContaining("p.txt line 2").hasMessageContaining("before any [category]");
        assertThatThrownBy(() -> ModerationPolicy.parse("[Bad Name]\nx\n", "p.txt"))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> ModerationPolicy.parse("[a]\n", "p.txt")).hasMessageContaining("no terms");
    }
}
