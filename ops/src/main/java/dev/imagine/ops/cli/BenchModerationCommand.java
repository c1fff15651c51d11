package dev.imagine.ops.cli;

import dev.imagine.core.moderation.ModerationPolicy;
import dev.imagine.core.moderation.PromptFilter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine bench moderation}: the prompt filter's time per prompt, against the shipped policy, over prompts of
 * realistic length (8–60 words with flags; a tenth disguise a listed term). The baseline, timed in the same process
 * on the same prompts, is the naive filter: lower-case the prompt and look for each term as a substring (which
 * catches none of the disguises); {@code ratio} is the filter's time over the baseline's.
 */
@Command(name = "moderation", mixinStandardHelpOptions = true,
        description = "Prompt filter time per prompt (shipped policy), with the naive substring filter as baseline.")
public final class BenchModerationCommand implements Callable<Integer> {
    private static final String[] WORDS = ("a red fox in snow golden hour cinematic portrait of an old sailor oil "
            + "painting watercolor city at night neon rain reflections mountain lake dawn mist forest castle dragon "
            + "cat astronaut lighthouse storm waves studio lighting 35mm photo detailed intricate baroque").split(" ");

    @Spec
    CommandSpec spec;

    @Option(names = "--prompts", defaultValue = "200000", description = "Prompts to check (default ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--quick", description = "20,000 prompts.")
    boolean quick;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int n = quick ? 20_000 : prompts;
        ModerationPolicy policy = ModerationPolicy.shipped();
        PromptFilter filter = new PromptFilter(policy);
        List<String> terms = policy.categories().values().stream().flatMap(List::stream)
                .map(t -> t.toLowerCase(Locale.ROOT)).toList();
        List<String> corpus = corpus(4_096);
        long flagged = 0;
        long naiveFlagged = 0;
        // warm both paths first: the JIT, not the first call, is what serves prompts
        for (int i = 0; i < 20_000; i++) {
            filter.check(corpus.get(i % corpus.size()));
            naive(terms, corpus.get(i % corpus.size()));
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            flagged += filter.check(corpus.get(i % corpus.size())).isPresent() ? 1 : 0;
        }
        long filterNanos = System.nanoTime() - start;
        start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            naiveFlagged += naive(terms, corpus.get(i % corpus.size())) ? 1 : 0;
        }
        long naiveNanos = System.nanoTime() - start;
        out.printf(Locale.ROOT, "moderation_prompts=%d%n", n);
        out.printf(Locale.ROOT, "moderation_terms=%d%n", policy.termCount());
        out.printf(Locale.ROOT, "moderation_us_per_prompt=%.2f%n", filterNanos / 1000.0 / n);
        out.printf(Locale.ROOT, "naive_us_per_prompt=%.2f%n", naiveNanos / 1000.0 / n);
        out.printf(Locale.ROOT, "ratio_vs_naive=%.1f%n", (double) filterNanos / naiveNanos);
        out.printf(Locale.ROOT, "flagged=%d naive_flagged=%d (disguised terms the naive filter misses)%n", flagged,
                naiveFlagged);
        out.flush();
        return 0;
    }

    private static boolean naive(List<String> terms, String prompt) {
        String lower = prompt.toLowerCase(Locale.ROOT);
        for (String term : terms) {
            if (lower.contains(term)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> corpus(int size) {
        SplittableRandom random = new SplittableRandom(42);
        String[] disguised = {"g 0 r e", "n.u.d.e", "imagine moderation te$t", "ѕelf-harm", "ｎｓｆｗ"};
        List<String> prompts = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            StringBuilder p = new StringBuilder();
            int words = 8 + random.nextInt(53);
            for (int w = 0; w < words; w++) {
                p.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
                if (i % 10 == 0 && w == words / 2) {
                    p.append(' ').append(disguised[random.nextInt(disguised.length)]);
                }
            }
            p.append(" --ar 16:9 --seed ").append(random.nextInt(1_000_000));
            prompts.add(p.toString());
        }
        return prompts;
    }
}
