package dev.imagine.core.moderation;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reduces text to the words a reader sees, so that spelling tricks do not hide a term: Unicode compatibility forms
 * (fullwidth, mathematical letters, ligatures) and accents are folded, invisible characters dropped, Cyrillic and
 * Greek look-alikes mapped to Latin, leetspeak digits and symbols read as letters, punctuation inside a word removed
 * and runs of one letter collapsed ("kiiill" and "k1ll" are both "kil"). Not caught: a
 * capital I standing for an l, look-alikes from scripts not listed here, and a term hidden inside a longer word. The same folding is applied to the policy's
 * terms, so a term matches however it is disguised. Word boundaries are kept; {@link PromptFilter} joins neighbouring
 * words to catch a term spelt out with spaces ("k i l l").
 */
final class TextSkeleton {
    /** Look-alikes NFKC leaves alone: Cyrillic and Greek letters drawn like Latin ones, and a few symbols. */
    private static final Map<Character, Character> CONFUSABLES = confusables();

    private TextSkeleton() {
    }

    /** The words of {@code text}, each folded; words with nothing left (pure punctuation) are dropped. */
    static List<String> words(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC);
        folded = Normalizer.normalize(folded, Normalizer.Form.NFD);
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        StringBuilder symbols = new StringBuilder(); // leetspeak symbols, letters only if a letter or digit follows
        int i = 0;
        while (i < folded.length()) {
            int cp = folded.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                symbols.setLength(0);
                flush(word, words);
            } else if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK || type == Character.FORMAT
                    || isVariationSelector(cp) || type == Character.CONTROL) {
                // accents (after NFD), zero-width joiners and spaces, soft hyphens, bidi marks: invisible to a reader
            } else if (!Character.isLetterOrDigit(cp)) {
                int mapped = letterFor(cp);
                if (mapped != 0) {
                    symbols.appendCodePoint(mapped); // "@ss", "h!t"; a trailing "!!!" is punctuation
                }
                // other punctuation inside a word ("k.i.l.l", "ki-ll") is dropped, and so joins the word
            } else {
                symbols.codePoints().forEach(symbol -> append(word, symbol));
                symbols.setLength(0);
                append(word, letterFor(cp));
            }
        }
        flush(word, words);
        return words;
    }

    /** A term's folded form: its words joined (a term matches a run of whole words, whatever spaces it has). */
    static String term(String term) {
        return String.join("", words(term));
    }

    private static void append(StringBuilder word, int letter) {
        if (word.isEmpty() || word.codePointBefore(word.length()) != letter) {
            word.appendCodePoint(letter);
        }
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isVariationSelector(int cp) {
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }

    /** The Latin letter or digit a code point is read as, or 0 for punctuation to drop. */
    private static int letterFor(int cp) {
        if (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
            // capitals first: Greek Ν is an N to the eye, its small ν a v
            Character look = CONFUSABLES.get((char) cp);
            if (look == null) {
                look = CONFUSABLES.get((char) Character.toLowerCase(cp));
            }
            if (look != null) {
                return look;
            }
        }
        if (cp < 128 && Character.isLetter(cp)) {
            return Character.toLowerCase(cp);
        }
        if (Character.isLetterOrDigit(cp)) {
            // another script's letter (Chinese, Arabic, …): kept as itself, lower-cased, so terms in it still match
            return Character.toLowerCase(cp);
        }
        return 0;
    }

    private static Map<Character, Character> confusables() {
        Map<Character, Character> m = new java.util.HashMap<>();
        put(m, "0o 1i 3e 4a 5s 7t 8b 9g @a $s !i |l +t");
        // Cyrillic
        put(m, "аa вb еe ёe кk мm нh оo рp сc тt уy хx ѕs іi їi јj ԁd ԛq ԝw һh ӏi");
        put(m, "Аa Вb Еe Кk Мm Нh Оo Рp Сc Тt Хx Ѕs Іi Јj");
        // Greek
        put(m, "Αa Βb Εe Ζz Ηh Ιi Κk Μm Νn Οo Ρp Τt Υy Χx");
        put(m, "αa βb εe ηn ιi κk νv οo ρp τt υu χx ωw ϲc ϳj");
        return Map.copyOf(m);
    }

    private static void put(Map<Character, Character> m, String pairs) {
        for (String pair : pairs.split(" ")) {
            m.put(pair.charAt(0), pair.charAt(1));
        }
    }
}
