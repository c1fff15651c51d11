package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    private final WordTokenizer words = new WordTokenizer(List.of("a", "red", "circle", "on", "blue", "background"), 5);

    @Test
    void wordsAreLetterRunsAfterLowerCasingAndIdsFollowTheListedOrder() {
        assertThat(words.encode("A RED, circle!")).containsExactly(1, 3, 4, 5, 2);
        assertThat(words.encode("")).containsExactly(1, 2);
        assertThat(words.vocabSize()).isEqualTo(9);
    }

    @Test
    void unknownWordsGetNoTokenAndAreReported() {
        assertThat(words.encode("red fox")).containsExactly(1, 4, 2);
        assertThat(words.ignoredWords("red fox, jumping over 2 dogs")).containsExactly("fox", "jumping", "over", "dogs");
    }

    @Test
    void theTextIsCutToMaxTokensKeepingTheEnd() {
        assertThat(words.encode("a red circle on blue background")).containsExactly(1, 3, 4, 5, 2);
        assertThatThrownBy(() -> new WordTokenizer(List.of("a"), 2)).hasMessageContaining("maxTokens");
    }
}
