package dev.imagine.core.account;

/** An account operation the caller must fix (unknown user, taken name, unknown key id). */
public final class AccountException extends RuntimeException {
    public AccountException(String message) {
        super(message);
    }
}
