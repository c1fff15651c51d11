package dev.imagine.kernels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A closed vocabulary of whole words (the trained shapes model's, from its model.json): ids are PAD 0, BEGIN 1,
 * END 2, then the words in the listed order. Words are runs of the letters a–z after lower-casing; anything
 * else separates them. Unknown words get no token and are reported by {@link #ignoredWords}. Mirrors
 * training/imagine_train/procedural.py's {@code encode}.
 */
public final class WordTokenizer implements Tokenizer {
    static final int FIRST_WORD = 3;

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int maxTokens;

    public WordTokenizer(List<String> words, int maxTokens) {
        if (maxTokens < 3) {
            throw new IllegalArgumentException("maxTokens must leave room for begin, a word and end: " + maxTokens);
        }
        this.words = List.copyOf(words);
        this.maxTokens = maxTokens;
        for (int i = 0; i < this.words.size(); i++) {
            ids.put(this.words.get(i), FIRST_WORD + i);
        }
    }

    public List<String> words() {
        return words;
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        out.add(BpeTokenizer.BEGIN);
        for (String w : split(text)) {
            Integer id = ids.get(w);
            if (id != null && out.size() < maxTokens - 1) {
                out.add(id);
            }
        }
        out.add(BpeTokenizer.END);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public List<String> ignoredWords(String text) {
        return split(text).stream().filter(w -> !ids.containsKey(w)).toList();
    }

    @Override
    public int vocabSize() {
        return FIRST_WORD + words.size();
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c >= 'a' && c <= 'z') {
                cur.append(c);
            } else if (!cur.isEmpty()) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }
}
