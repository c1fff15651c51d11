package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {
    private final BpeTokenizer tokenizer = BpeTokenizer.standard();

    @Test
    void encodesBetweenBeginAndEndAndDecodesBackToTheLowerCasedText() {
        int[] ids = tokenizer.encode("A red Fox in SNOW, at dusk");
        assertThat(ids[0]).isEqualTo(BpeTokenizer.BEGIN);
        assertThat(ids[ids.length - 1]).isEqualTo(BpeTokenizer.END);
        assertThat(tokenizer.decode(ids)).isEqualTo("a red fox in snow, at dusk");
    }

    @Test
    void mergesMakeCommonWordsShorterThanTheirBytes() {
        int[] ids = tokenizer.encode("a portrait of a mountain lake");
        assertThat(ids.length - 2).isLessThan("a portrait of a mountain lake".length() / 2);
        assertThat(tokenizer.vocabSize()).isGreaterThan(BpeTokenizer.FIRST_MERGE + 100);
    }

    @Test
    void anyTextEncodesEvenUnseenScriptsAndRoundTrips() {
        String text = "über straße 東京 🦊";
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void emptyPromptIsJustBeginAndEnd() {
        assertThat(tokenizer.encode("")).containsExactly(BpeTokenizer.BEGIN, BpeTokenizer.END);
        assertThat(tokenizer.encode("   ")).containsExactly(BpeTokenizer.BEGIN, BpeTokenizer.END);
    }

    @Test
    void longPromptsAreCutToTheContextLengthKeepingTheEnd() {
        int[] ids = tokenizer.encode("zq ".repeat(300));
        assertThat(ids).hasSize(BpeTokenizer.MAX_TOKENS);
        assertThat(ids[BpeTokenizer.MAX_TOKENS - 1]).isEqualTo(BpeTokenizer.END);
    }

    @Test
    void committedMergeTableIsWhatTheTrainerMakesFromTheCorpus() throws IOException {
        String corpus;
        try (InputStream in = getClass().getResourceAsStream("/tokenizer/corpus.txt")) {
            corpus = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int[][] trained = BpeTrainer.train(corpus, 765);
        assertThat(BpeTokenizer.FIRST_MERGE + trained.length).isEqualTo(tokenizer.vocabSize());
        BpeTokenizer retrained = new BpeTokenizer(trained);
        assertThat(retrained.encode("a cozy cabin by a lake")).isEqualTo(tokenizer.encode("a cozy cabin by a lake"));
    }
}
