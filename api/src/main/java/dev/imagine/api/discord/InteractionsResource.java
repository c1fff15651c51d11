package dev.imagine.api.discord;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.api.core.Actions;
import dev.imagine.api.core.JobLookup;
import dev.imagine.api.core.JobSubmitter;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.dto.ActionRequest;
import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountException;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.LimitExceededException;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.Lane;
import dev.imagine.core.prompt.PromptException;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /discord/interactions}, Discord's interactions over HTTP. Every request's Ed25519 signature is checked
 * first (401 otherwise); PING is answered PONG; {@code /imagine prompt:<text>} and a grid's buttons are answered at
 * once with a deferred response (type 5, or type 6 for a button: no work happens before the answer, so it is well
 * inside Discord's 3 s), and the job is then submitted on the REST path's own submitter, as the Discord user's account
 * ({@code discord-<id>}, made on the Basic plan on first use). The interaction id is the submission's idempotency key,
 * so a retried interaction makes one job. A refusal is told to the user alone (ephemeral); the job's Discord outbox
 * entry is made in the submission's transaction, so its result is delivered whatever restarts in between.
 */
@Path("/discord/interactions")
public final class InteractionsResource {
    private static final Logger LOG = LoggerFactory.getLogger(InteractionsResource.class);
    static final int PING = 1;
    static final int APPLICATION_COMMAND = 2;
    static final int MESSAGE_COMPONENT = 3;

    private final InteractionSignature signature;
    private final DiscordApi discord;
    private final ZooKeeperConnection zk;
    private final JobSubmitter submitter;
    private final JobLookup jobs;
    private final Actions actions;
    private final Lane defaultLane;
    private final Clock clock;
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();

    public InteractionsResource(InteractionSignature signature, DiscordApi discord, ZooKeeperConnection zk,
                                JobSubmitter submitter, JobLookup jobs, Actions actions, Lane defaultLane, Clock clock) {
        this.signature = signature;
        this.discord = discord;
        this.zk = zk;
        this.submitter = submitter;
        this.jobs = jobs;
        this.actions = actions;
        this.defaultLane = defaultLane;
        this.clock = clock;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response interaction(@HeaderParam("X-Signature-Ed25519") String sig,
                                @HeaderParam("X-Signature-Timestamp") String timestamp, byte[] body) {
        if (!signature.verify(sig, timestamp, body)) {
            return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorMessage(401, "invalid request signature", "X-Signature-Ed25519")).build();
        }
        JsonNode interaction;
        try {
            interaction = DiscordMessages.JSON.readTree(body);
        } catch (Exception e) {
            return bad("the interaction is not JSON");
        }
        int type = interaction.path("type").asInt();
        if (type == PING) {
            return Response.ok("{\"type\":1}").build();
        }
        if (type == APPLICATION_COMMAND && interaction.path("data").path("name").asText().equals("imagine")) {
            work.submit(() -> imagine(interaction));
            return Response.ok("{\"type\":5}").build();
        }
        if (type == MESSAGE_COMPONENT) {
            work.submit(() -> clicked(interaction));
            return Response.ok("{\"type\":6}").build();
        }
        return bad("interaction type " + type + " is not handled");
    }

    private static Response bad(String message) {
        return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorMessage(400, message, null)).build();
    }

    private void imagine(JsonNode interaction) {
        String token = interaction.path("token").asText();
        String prompt = "";
        for (JsonNode option : interaction.path("data").path("options")) {
            if (option.path("name").asText().equals("prompt")) {
                prompt = option.path("value").asText();
            }
        }
        String user = userId(interaction);
        try {
            Versioned<Account> account = account(user);
            DiscordEntry entry = DiscordEntry.of(token, interaction.path("channel_id").asText(), user, prompt,
                    clock.millis(), null);
            submitter.submit(prompt, null, defaultLane, null, account, "discord-" + interaction.path("id").asText(),
                    List.of(new JobSubmitter.PerJob(ZkPaths.DISCORD, job -> Json.write(entry))));
        } catch (Exception refused) {
            tell(token, refused, true);
        }
    }

    private void clicked(JsonNode interaction) {
        String token = interaction.path("token").asText();
        String user = userId(interaction);
        Optional<DiscordMessages.Button> button = DiscordMessages.Button.parse(interaction.path("data").path("custom_id")
                .asText());
        try {
            if (button.isEmpty()) {
                throw new IllegalArgumentException("that button is not one of ours");
            }
            Versioned<Account> account = account(user);
            Optional<Versioned<JobRecord>> parent = jobs.findOwn(button.get().jobId(), account.value().name());
            if (parent.isEmpty()) {
                throw new IllegalArgumentException("only the person who asked for this grid can use its buttons");
            }
            DiscordMessages.Button b = button.get();
            JobSpec spec = actions.specFor(parent.get().value(), new ActionRequest(b.action(),
                    b.index() == 0 ? null : b.index(), null, null, null, null), parent.get().value().spec().lane());
            DiscordEntry entry = DiscordEntry.of(token, interaction.path("channel_id").asText(), user,
                    spec.prompt() + " (" + b.action() + (b.index() == 0 ? "" : " " + b.index()) + ")", clock.millis(),
                    DiscordEntry.NEW);
            submitter.submitDerived(spec, spec.prompt(), "discord\u0000" + b.customId(), null, account,
                    "discord-" + interaction.path("id").asText(),
                    List.of(new JobSubmitter.PerJob(ZkPaths.DISCORD, job -> Json.write(entry))));
        } catch (Exception refused) {
            tell(token, refused, false);
        }
    }

    /** The Discord user's account, made on the Basic plan the first time they ask. */
    private Versioned<Account> account(String discordUser) throws Exception {
        String name = "discord-" + discordUser;
        AccountStore accounts = new AccountStore(zk.client());
        Optional<Versioned<Account>> existing = accounts.get(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            accounts.create(name, Plan.BASIC, clock.millis());
        } catch (AccountException raced) {
            // made meanwhile by this user's other interaction
        }
        return accounts.require(name);
    }

    /** A refusal, to the user alone; for a slash command the "thinking…" placeholder goes. */
    private void tell(String token, Exception refused, boolean removePlaceholder) {
        String text = switch (refused) {
            case WebApplicationException web when web.getResponse().getEntity() instanceof ErrorMessage m -> m.message();
            case LimitExceededException limit -> limit.getMessage();
            case PromptException prompt -> prompt.getMessage();
            case IllegalArgumentException wrong -> wrong.getMessage();
            default -> null;
        };
        if (text == null) {
            LOG.error("Discord interaction failed", refused);
            text = "something went wrong on our side; try again in a minute";
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                DiscordApi.Reply reply = discord.followUp(token, DiscordMessages.told(text, true), null);
                if (reply.status() == 429) {
                    Thread.sleep(reply.retryAfterMillis());
                    continue;
                }
                if (reply.ok() && removePlaceholder) {
                    discord.deleteOriginal(token);
                }
                if (reply.ok() || reply.status() < 500) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warn("Telling a Discord user of a refusal failed: {}", e.toString());
            }
            try {
                Thread.sleep(500L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String userId(JsonNode interaction) {
        JsonNode member = interaction.path("member").path("user");
        return (member.isMissingNode() ? interaction.path("user") : member).path("id").asText();
    }
}
