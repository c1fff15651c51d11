package dev.imagine.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * A toy tokenizer: the prompt is lower-cased and split into runs of letters or digits; each word is
 * hashed (FNV-1a over UTF-8) into ids 1..VOCAB-1. Id 0 stands for the empty prompt, so an empty
 * negative prompt still has an embedding (the "unconditional" one of classifier-free guidance).
 */
final class Tokenizer {

    static final int EMPTY = 0;
    /** Like CLIP's context length: longer prompts are cut. */
    static final int MAX_TOKENS = 77;

    private Tokenizer() {}

    static int[] encode(String text, int vocab) {
        int[] ids = new int[MAX_TOKENS];
        int n = 0;
        String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < lower.length() && n < MAX_TOKENS) {
            int cp = lower.codePointAt(i);
            if (!Character.isLetterOrDigit(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < lower.length() && Character.isLetterOrDigit(lower.codePointAt(i))) {
                i += Character.charCount(lower.codePointAt(i));
            }
            long hash = SplitMix64.fnv1a64(lower.substring(start, i));
            ids[n++] = 1 + (int) Long.remainderUnsigned(hash, vocab - 1);
        }
        return n == 0 ? new int[] {EMPTY} : Arrays.copyOf(ids, n);
    }
}
