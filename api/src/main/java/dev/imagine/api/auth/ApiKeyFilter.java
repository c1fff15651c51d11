package dev.imagine.api.auth;

import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.zk.Versioned;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Every {@code /v1/...} call but {@code /v1/health}, {@code /v1/openapi.json} and signed image links needs
 * {@code Authorization: Bearer <key>}. A missing,
 * malformed, unknown or revoked key is a 401 whose message says what to send; the caller's account is then
 * available to resources through {@link Caller}.
 */
@Priority(Priorities.AUTHENTICATION)
public final class ApiKeyFilter implements ContainerRequestFilter {
    private static final String BEARER = "Bearer ";

    private final ZooKeeperConnection zk;

    public ApiKeyFilter(ZooKeeperConnection zk) {
        this.zk = zk;
    }

    @Override
    public void filter(ContainerRequestContext request) throws java.io.IOException {
        String path = request.getUriInfo().getPath().replaceAll("^/+", "");
        // Image links carry their own signature (ImageLinks): shareable without a key.
        if (!path.startsWith("v1/") || path.equals("v1/health") || path.equals("v1/openapi.json") || path.startsWith("v1/images/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            request.abortWith(unauthorized("this call needs an API key: send the header 'Authorization: Bearer <key>' "
                    + "(`ops/imagine users add NAME` makes one; `ops/imagine up` writes a development key to var/dev-api-key)"));
            return;
        }
        Optional<Versioned<Account>> account;
        try {
            account = new AccountStore(zk.client()).authenticateVersioned(header.substring(BEARER.length()).trim());
        } catch (Exception e) {
            request.abortWith(Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", "5")
                    .entity(new ErrorMessage(503, "accounts (ZooKeeper) are unavailable; retry shortly", null)).build());
            return;
        }
        if (account.isEmpty()) {
            request.abortWith(unauthorized("the API key is not valid (unknown or revoked); ask the operator for a new one"));
            return;
        }
        request.setProperty(Caller.PROPERTY, account.get());
    }

    private static Response unauthorized(String message) {
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"imagine\"")
                .entity(new ErrorMessage(401, message, "Authorization")).build();
    }
}
