package dev.imagine.api.resources;

import dev.imagine.api.auth.Caller;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /v1/me}: the caller's plan, Fast time used and left this month, jobs running and waiting. */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public final class MeResource {
    private final ZooKeeperConnection zk;
    private final Clock clock;

    public MeResource(ZooKeeperConnection zk, Clock clock) {
        this.zk = zk;
        this.clock = clock;
    }

    @GET
    public Map<String, Object> me(@Context ContainerRequestContext context) throws Exception {
        // Read again: the filter's copy is from before this request's own changes.
        Account account = new AccountStore(zk.client()).require(Caller.of(context).name()).value();
        long now = clock.millis();
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("user", account.name());
        me.put("plan", account.plan().key());
        me.put("month", Account.monthOf(now));
        me.put("fastMillisUsed", account.fastMillisUsed(now));
        me.put("fastMillisLeft", account.fastMillisLeft(now));
        me.put("fastMillisPerMonth", account.plan().fastMillisPerMonth());
        me.put("running", account.running());
        me.put("waiting", account.waiting());
        me.put("maxRunning", account.plan().maxRunning());
        me.put("maxWaiting", account.plan().maxWaiting());
        me.put("relaxIncluded", account.plan().relaxIncluded());
        // what completion webhooks are signed with (Imagine-Signature); made here for accounts older than webhooks
        me.put("webhookSecret", account.webhookSecret() != null ? account.webhookSecret()
                : new AccountStore(zk.client()).webhookSecret(account.name(), false));
        return me;
    }
}
