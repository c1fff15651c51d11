package dev.imagine.core.prompt;

/** A prompt the user must fix; the message names the flag (or "prompt") and what is allowed. */
public final class PromptException extends RuntimeException {
    private final String field;

    public PromptException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** "prompt", or the flag as the user wrote it, e.g. "--ar". */
    public String field() {
        return field;
    }
}
