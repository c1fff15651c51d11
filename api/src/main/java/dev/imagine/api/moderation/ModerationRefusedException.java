package dev.imagine.api.moderation;

import dev.imagine.api.errors.ApiException;
import dev.imagine.core.moderation.PromptFilter;

/** A prompt the filter refused: a 400 that names the category (never the term list). */
public final class ModerationRefusedException extends ApiException {
    private final String category;

    public ModerationRefusedException(PromptFilter.Flag flag) {
        super(400, "prompt refused by moderation (category '" + flag.category() + "'); rephrase it without that content",
                "prompt");
        this.category = flag.category();
    }

    public String category() {
        return category;
    }
}
