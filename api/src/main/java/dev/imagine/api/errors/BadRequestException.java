package dev.imagine.api.errors;

/** A request the client must fix; mapped to 400 with the field at fault. */
public final class BadRequestException extends RuntimeException {
    private final String field;

    public BadRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
