package dev.imagine.api.auth;

import dev.imagine.core.account.Account;
import dev.imagine.core.zk.Versioned;
import jakarta.ws.rs.container.ContainerRequestContext;

/** The authenticated caller of a request, as {@link ApiKeyFilter} found it. */
public final class Caller {
    static final String PROPERTY = "imagine.caller";

    private Caller() {
    }

    public static Account of(ContainerRequestContext request) {
        return versioned(request).value();
    }

    /** The caller's account with the znode version it was read at (a first guess for a compare-and-set). */
    @SuppressWarnings("unchecked")
    public static Versioned<Account> versioned(ContainerRequestContext request) {
        Object account = request.getProperty(PROPERTY);
        if (!(account instanceof Versioned<?> v) || !(v.value() instanceof Account)) {
            throw new IllegalStateException("no authenticated caller: is ApiKeyFilter registered?");
        }
        return (Versioned<Account>) v;
    }
}
