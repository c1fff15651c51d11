package dev.imagine.core.prompt;

import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.Lane;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Parses {@code "a red fox in snow --ar 16:9 --v 8 --seed 7"}: the description first, then flags.
 * Every rejection is a {@link PromptException} that names the flag and its allowed values.
 */
public final class PromptParser {
    public static final int MAX_PROMPT_CHARS = 4_000;
    public static final long MAX_SEED = 4_294_967_295L;
    public static final int MAX_ASPECT_TERM = 100;
    public static final double MAX_ASPECT_RATIO = 4.0;
    private static final String KNOWN_FLAGS =
            "--ar, --v, --seed, --q, --stylize (--s), --chaos (--c), --no, --turbo, --fast, --relax";

    private final SortedSet<String> versions;
    private final String defaultVersion;
    private final LongSupplier randomSeed;

    /**
     * @param versions       model versions the cluster serves, as the kernels name them ("v6", "v8")
     * @param defaultVersion the version used without --v
     * @param randomSeed     source of a seed when the prompt has none
     */
    public PromptParser(Set<String> versions, String defaultVersion, LongSupplier randomSeed) {
        this.versions = new TreeSet<>(versions);
        this.defaultVersion = defaultVersion;
        this.randomSeed = randomSeed;
    }

    public JobSpec parse(String raw, Lane defaultLane) {
        if (raw == null || raw.isBlank()) {
            throw new PromptException("prompt", "prompt is empty; describe the image, e.g. \"a red fox in snow --ar 3:2\"");
        }
        if (raw.length() > MAX_PROMPT_CHARS) {
            throw new PromptException("prompt", "prompt is " + raw.length() + " characters; the limit is "
                    + MAX_PROMPT_CHARS);
        }
        rejectControlCharacters(raw);
        List<String> tokens = List.of(raw.trim().split("\\s+"));
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < tokens.size() && !tokens.get(i).startsWith("--")) {
            text.append(text.isEmpty() ? "" : " ").append(tokens.get(i++));
        }
        if (text.isEmpty()) {
            throw new PromptException("prompt", "prompt has no description before its flags; "
                    + "write what to draw first, e.g. \"a red fox in snow --ar 3:2\"");
        }
        Builder spec = new Builder(text.toString(), defaultLane);
        Set<String> seen = new HashSet<>();
        while (i < tokens.size()) {
            String flag = tokens.get(i++);
            List<String> values = new ArrayList<>();
            while (i < tokens.size() && !tokens.get(i).startsWith("--")) {
                values.add(tokens.get(i++));
            }
            String canonical = canonical(flag);
            if (!seen.add(canonical)) {
                throw new PromptException(flag, flag + " is given twice; keep one");
            }
            spec.apply(canonical, flag, values);
        }
        return spec.build();
    }

    /**
     * Control characters (newlines and tabs included: a prompt is one line) and unpaired surrogates have no place in a
     * prompt; they hide text from people reading logs and galleries, so they are refused, not stripped.
     */
    private static void rejectControlCharacters(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean unpaired = Character.isHighSurrogate(c)
                    ? i + 1 >= raw.length() || !Character.isLowSurrogate(raw.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(raw.charAt(i - 1)));
            if (Character.getType(c) == Character.CONTROL || unpaired) {
                throw new PromptException("prompt", String.format(java.util.Locale.ROOT,
                        "prompt has a %s (U+%04X) at character %d; prompts are one line of text: remove it",
                        unpaired ? "lone surrogate" : "control character", (int) c, i + 1));
            }
        }
    }

    private static String canonical(String flag) {
        return switch (flag.toLowerCase(java.util.Locale.ROOT)) {
            case "--ar", "--aspect" -> "--ar";
            case "--v", "--version" -> "--v";
            case "--q", "--quality" -> "--q";
            case "--s", "--stylize" -> "--stylize";
            case "--c", "--chaos" -> "--chaos";
            case "--turbo", "--fast", "--relax" -> "--mode";
            case "--seed", "--no" -> flag.toLowerCase(java.util.Locale.ROOT);
            default -> throw new PromptException(flag, "unknown flag " + flag + "; known flags: " + KNOWN_FLAGS);
        };
    }

    /** Mutable while parsing one prompt; starts from the defaults. */
    private final class Builder {
        private final String prompt;
        private String negative = "";
        private String version = defaultVersion;
        private int aspectWidth = 1;
        private int aspectHeight = 1;
        private Long seed;
        private double quality = 1;
        private int stylize = 100;
        private int chaos;
        private Lane lane;

        Builder(String prompt, Lane lane) {
            this.prompt = prompt;
            this.lane = lane;
        }

        void apply(String canonical, String flag, List<String> values) {
            switch (canonical) {
                case "--no" -> {
                    if (values.isEmpty()) {
                        throw new PromptException(flag, "--no needs the things to leave out, e.g. --no trees, people");
                    }
                    negative = String.join(" ", values);
                }
                case "--mode" -> {
                    noValue(flag, values);
                    lane = Lane.parse(flag.substring(2));
                }
                case "--ar" -> aspect(flag, single(flag, values, "W:H, e.g. 16:9"));
                case "--v" -> {
                    String value = single(flag, values, "one of " + shortVersions());
                    String key = "v" + value.toLowerCase(java.util.Locale.ROOT).replaceFirst("^v", "");
                    if (!versions.contains(key)) {
                        throw new PromptException(flag, "--v " + value + " is not a model version this cluster serves; "
                                + "use one of " + shortVersions());
                    }
                    version = key;
                }
                case "--seed" -> seed = wholeNumber(flag, single(flag, values, "0–" + MAX_SEED), 0, MAX_SEED);
                case "--q" -> quality = quality(flag, single(flag, values, "0.25, 0.5, 1 or 2"));
                case "--stylize" -> stylize = (int) wholeNumber(flag, single(flag, values, "0–1000"), 0, 1000);
                case "--chaos" -> chaos = (int) wholeNumber(flag, single(flag, values, "0–100"), 0, 100);
                default -> throw new IllegalStateException("unhandled flag " + canonical);
            }
        }

        JobSpec build() {
            long concreteSeed = seed != null ? seed : Math.floorMod(randomSeed.getAsLong(), MAX_SEED + 1);
            return new JobSpec(prompt, negative, version, aspectWidth, aspectHeight, concreteSeed, quality,
                    stylize, chaos, lane);
        }

        private void aspect(String flag, String value) {
            String rule = " must be W:H with whole numbers 1–" + MAX_ASPECT_TERM
                    + " and a ratio between 1:4 and 4:1, got '" + value + "'";
            String[] parts = value.split(":", -1);
            if (parts.length != 2) {
                throw new PromptException(flag, flag + rule);
            }
            int w;
            int h;
            try {
                w = Integer.parseInt(parts[0]);
                h = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new PromptException(flag, flag + rule);
            }
            if (w < 1 || h < 1 || w > MAX_ASPECT_TERM || h > MAX_ASPECT_TERM
                    || (double) w / h > MAX_ASPECT_RATIO || (double) h / w > MAX_ASPECT_RATIO) {
                throw new PromptException(flag, flag + rule);
            }
            aspectWidth = w;
            aspectHeight = h;
        }

        private String shortVersions() {
            return String.join(", ", versions.stream().map(v -> v.substring(1)).toList());
        }
    }

    private static String single(String flag, List<String> values, String allowed) {
        if (values.size() != 1) {
            throw new PromptException(flag, flag + (values.isEmpty() ? " needs a value: " : " takes one value: ")
                    + allowed + (values.isEmpty() ? "" : "; got '" + String.join(" ", values)
                    + "' (put the description before the flags)"));
        }
        return values.getFirst();
    }

    private static void noValue(String flag, List<String> values) {
        if (!values.isEmpty()) {
            throw new PromptException(flag, flag + " takes no value; got '" + String.join(" ", values)
                    + "' (put the description before the flags)");
        }
    }

    private static long wholeNumber(String flag, String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the range
        }
        throw new PromptException(flag, flag + " must be a whole number from " + min + " to " + max
                + ", got '" + value + "'");
    }

    private static double quality(String flag, String value) {
        try {
            double q = Double.parseDouble(value);
            if (q == 0.25 || q == 0.5 || q == 1 || q == 2) {
                return q;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed values
        }
        throw new PromptException(flag, flag + " must be one of 0.25, 0.5, 1 or 2, got '" + value + "'");
    }
}
