package dev.imagine.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains the byte-level BPE merge table: count adjacent symbol pairs over the corpus's words, merge the
 * most frequent (ties: the smaller pair of ids), repeat. Deterministic, so the committed
 * {@code merges.txt} can be regenerated and compared:
 * {@code java ... dev.imagine.kernels.BpeTrainer corpus.txt merges.txt 765}.
 */
public final class BpeTrainer {
    private BpeTrainer() {
    }

    public static void main(String[] args) throws IOException {
        String corpus = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        int[][] merges = train(corpus, Integer.parseInt(args[2]));
        StringBuilder out = new StringBuilder("# byte-level BPE merges (left right), rank = line order; made by BpeTrainer\n");
        for (int[] merge : merges) {
            out.append(merge[0]).append(' ').append(merge[1]).append('\n');
        }
        Files.writeString(Path.of(args[1]), out.toString(), StandardCharsets.US_ASCII);
    }

    static int[][] train(String corpus, int mergeCount) {
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String line : corpus.split("\n")) {
            for (String word : BpeTokenizer.words(line.replace(",", " ,"))) {
                wordCounts.merge(word, 1, Integer::sum);
            }
        }
        List<int[]> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        wordCounts.forEach((word, count) -> {
            byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                symbols[i] = BpeTokenizer.FIRST_BYTE + (utf8[i] & 0xff);
            }
            words.add(symbols);
            counts.add(count);
        });
        List<int[]> merges = new ArrayList<>();
        for (int m = 0; m < mergeCount; m++) {
            Map<Long, Integer> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    pairCounts.merge(BpeTokenizer.pair(s[i], s[i + 1]), counts.get(w), Integer::sum);
                }
            }
            long best = -1;
            int bestCount = 0;
            for (Map.Entry<Long, Integer> e : pairCounts.entrySet()) {
                if (e.getValue() > bestCount || e.getValue() == bestCount && Long.compareUnsigned(e.getKey(), best) < 0) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (bestCount < 2) {
                break;   // nothing repeats any more
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int merged = BpeTokenizer.FIRST_MERGE + merges.size();
            merges.add(new int[] {left, right});
            for (int w = 0; w < words.size(); w++) {
                words.set(w, replace(words.get(w), left, right, merged));
            }
        }
        return merges.toArray(int[][]::new);
    }

    private static int[] replace(int[] s, int left, int right, int merged) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = s[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
