package dev.imagine.kernels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Byte-level BPE (as GPT-2 and CLIP): text → UTF-8 bytes → merges applied lowest rank first. Ids: 0 pad,
 * 1 begin, 2 end, 3..258 the 256 bytes, then one id per merge in rank order. Prompts are lower-cased
 * and cut into words at whitespace, each word after the first keeping its leading space, so merges never
 * cross words. The merge table ({@code tokenizer/merges.txt}) is trained by {@link BpeTrainer} on
 * {@code tokenizer/corpus.txt}; any text still encodes, rare words just take more tokens.
 */
public final class BpeTokenizer implements Tokenizer {
    public static final int PAD = 0;
    public static final int BEGIN = 1;
    public static final int END = 2;
    static final int FIRST_BYTE = 3;
    static final int FIRST_MERGE = FIRST_BYTE + 256;
    /** Context length, as CLIP's: begin + at most 75 tokens + end. */
    public static final int MAX_TOKENS = 77;

    private static final BpeTokenizer DEFAULT = load();

    private final Map<Long, Integer> rankOfPair;   // (left, right) → merge rank
    private final int[][] merges;                   // rank → (left, right)

    BpeTokenizer(int[][] merges) {
        this.merges = merges;
        this.rankOfPair = new HashMap<>();
        for (int rank = 0; rank < merges.length; rank++) {
            rankOfPair.put(pair(merges[rank][0], merges[rank][1]), rank);
        }
    }

    public static BpeTokenizer standard() {
        return DEFAULT;
    }

    @Override
    public int maxTokens() {
        return MAX_TOKENS;
    }

    @Override
    public int vocabSize() {
        return FIRST_MERGE + merges.length;
    }

    /** begin, tokens, end; at most {@link #MAX_TOKENS} ids (the text is cut, the end kept). */
    @Override
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        ids.add(BEGIN);
        for (String word : words(text)) {
            for (int id : encodeWord(word)) {
                if (ids.size() == MAX_TOKENS - 1) {
                    break;
                }
                ids.add(id);
            }
        }
        ids.add(END);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The text an id sequence stands for (begin, end and pad dropped). */
    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            appendBytes(id, bytes);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        String[] parts = (text == null ? "" : text).toLowerCase(Locale.ROOT).trim().split("\\s+");
        for (String part : parts) {
            if (!part.isEmpty()) {
                words.add(words.isEmpty() ? part : " " + part);
            }
        }
        return words;
    }

    int[] encodeWord(String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        int[] symbols = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            symbols[i] = FIRST_BYTE + (utf8[i] & 0xff);
        }
        int n = symbols.length;
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < n; i++) {
                Integer rank = rankOfPair.get(pair(symbols[i], symbols[i + 1]));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            symbols[at] = FIRST_MERGE + bestRank;
            System.arraycopy(symbols, at + 2, symbols, at + 1, n - at - 2);
            n--;
        }
        return Arrays.copyOf(symbols, n);
    }

    private void appendBytes(int id, java.io.ByteArrayOutputStream out) {
        if (id >= FIRST_MERGE) {
            appendBytes(merges[id - FIRST_MERGE][0], out);
            appendBytes(merges[id - FIRST_MERGE][1], out);
        } else if (id >= FIRST_BYTE) {
            out.write(id - FIRST_BYTE);
        }
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    private static BpeTokenizer load() {
        try (InputStream in = BpeTokenizer.class.getResourceAsStream("/tokenizer/merges.txt")) {
            if (in == null) {
                throw new IllegalStateException("tokenizer/merges.txt is missing from the classpath");
            }
            List<int[]> merges = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] ids = line.trim().split(" ");
                    merges.add(new int[] {Integer.parseInt(ids[0]), Integer.parseInt(ids[1])});
                }
            }
            return new BpeTokenizer(merges.toArray(int[][]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
