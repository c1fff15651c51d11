package dev.imagine.core.moderation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The text check before the queue: a prompt is refused when a run of its words, folded by {@link TextSkeleton},
 * spells a policy term. Runs are aligned to word boundaries, so "class" does not match a term "ass" but "a.s.s",
 * "a s s" and "@ss" do. Immutable; one instance serves every thread.
 */
public final class PromptFilter {
    /** Why a prompt was refused. */
    public record Flag(String category, String term) {
    }

    private final Map<String, Flag> bySkeleton = new HashMap<>();
    private final int longestTerm;

    public PromptFilter(ModerationPolicy policy) {
        int longest = 0;
        for (Map.Entry<String, List<String>> category : policy.categories().entrySet()) {
            for (String term : category.getValue()) {
                String skeleton = TextSkeleton.term(term);
                bySkeleton.putIfAbsent(skeleton, new Flag(category.getKey(), term));
                longest = Math.max(longest, skeleton.length());
            }
        }
        this.longestTerm = longest;
    }

    public Optional<Flag> check(String prompt) {
        List<String> words = TextSkeleton.words(prompt);
        StringBuilder run = new StringBuilder();
        for (int start = 0; start < words.size(); start++) {
            run.setLength(0);
            for (int end = start; end < words.size(); end++) {
                appendCollapsed(run, words.get(end));
                if (run.length() > longestTerm) {
                    break;
                }
                Flag flag = bySkeleton.get(run.toString());
                if (flag != null) {
                    return Optional.of(flag);
                }
            }
        }
        return Optional.empty();
    }

    /** Joins a word to the run as {@link TextSkeleton} would have folded them written together ("ki" + "ll"). */
    private static void appendCollapsed(StringBuilder run, String word) {
        int from = 0;
        if (!run.isEmpty()) {
            int last = run.codePointBefore(run.length());
            while (from < word.length() && word.codePointAt(from) == last) {
                from += Character.charCount(last);
            }
        }
        run.append(word, from, word.length());
    }
}
