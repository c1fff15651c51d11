package dev.imagine.core.moderation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The prompt filter's policy: categories, each with its terms. The file is plain text an operator can edit:
 * <pre>
 * # comments and blank lines are ignored
 * [category]
 * a term
 * another term
 * </pre>
 * A term is one or more words; it matches however it is disguised (see {@link TextSkeleton}).
 */
public record ModerationPolicy(Map<String, List<String>> categories) {
    /** The policy shipped in the jar; its {@code test} category holds {@link #TEST_TERM}. */
    public static final String SHIPPED = "moderation/policy.txt";
    /** A term that is refused everywhere, so that operators and tests can see the filter work end to end. */
    public static final String TEST_TERM = "imagine-moderation-test";

    private static final Pattern CATEGORY = Pattern.compile("\\[([a-z0-9][a-z0-9-]{0,63})]");

    public ModerationPolicy {
        categories = Map.copyOf(categories);
    }

    public static ModerationPolicy shipped() {
        try (InputStream in = ModerationPolicy.class.getClassLoader().getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IllegalStateException(SHIPPED + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), SHIPPED);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SHIPPED + ": " + e.getMessage(), e);
        }
    }

    public static ModerationPolicy read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** @throws IllegalArgumentException naming the line that is wrong */
    public static ModerationPolicy parse(String text, String source) {
        Map<String, List<String>> categories = new LinkedHashMap<>();
        String current = null;
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            var category = CATEGORY.matcher(line);
            if (category.matches()) {
                current = category.group(1);
                categories.putIfAbsent(current, new java.util.ArrayList<>());
            } else if (line.startsWith("[")) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": a category is [lower-case-name], got "
                        + line);
            } else if (current == null) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": term '" + line
                        + "' comes before any [category]");
            } else if (TextSkeleton.term(line).isEmpty()) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": term '" + line
                        + "' has no letters or digits");
            } else {
                categories.get(current).add(line);
            }
        }
        if (categories.values().stream().allMatch(List::isEmpty)) {
            throw new IllegalArgumentException(source + " has no terms");
        }
        return new ModerationPolicy(categories);
    }

    public int termCount() {
        return categories.values().stream().mapToInt(List::size).sum();
    }
}
