package dev.imagine.kernels;

import java.util.List;

/** Prompt text to token ids for a text encoder: begin, tokens, end, at most {@link #maxTokens()} ids. */
public interface Tokenizer {

    int[] encode(String text);

    int vocabSize();

    int maxTokens();

    /** Words of the text this tokenizer has no token for (a closed vocabulary lists them back; BPE has none). */
    default List<String> ignoredWords(String text) {
        return List.of();
    }
}
