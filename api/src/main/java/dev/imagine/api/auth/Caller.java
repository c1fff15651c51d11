package dev.imagine.api.auth;

import dev.imagine.core.account.Account;
import jakarta.ws.rs.container.ContainerRequestContext;

/** The authenticated caller of a request, as {@link ApiKeyFilter} found it. */
public final class Caller {
    static final String PROPERTY = "imagine.caller";

    private Caller() {
    }

    public static Account of(ContainerRequestContext request) {
        Object account = request.getProperty(PROPERTY);
        if (!(account instanceof Account a)) {
            throw new IllegalStateException("no authenticated caller: is ApiKeyFilter registered?");
        }
        return a;
    }
}
