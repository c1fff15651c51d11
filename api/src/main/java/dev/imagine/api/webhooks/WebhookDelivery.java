package dev.imagine.api.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.api.core.ImageLinks;
import dev.imagine.api.core.JobLookup;
import dev.imagine.api.core.LeaderLoop;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.dto.JobView;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: in the one API process holding {@code /leader/webhooks}, every entry whose job has finished
 * is POSTed (the final job view, signed) and deleted once answered 2xx. Any other answer, or none within the timeout,
 * is retried with exponential backoff (with jitter) from {@code initialBackoff} up to {@code maxBackoff}, for {@code
 * giveUpAfter} (at least a day) after the job finished; each outcome is a versioned write, so a leader change never
 * loses an entry and at worst delivers one twice.
 */
public final class WebhookDelivery implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

    /** How the outbox is worked; see the API config's {@code webhooks}. */
    public record Settings(Duration poll, Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter,
                           Duration timeout, boolean allowPrivateAddresses) {
    }

    private final ZooKeeperConnection zk;
    private final JobLookup jobs;
    private final ImageLinks links;
    private final Settings settings;
    private final CallbackUrls urls;
    private final Clock clock;
    private final String name;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private LeaderLoop loop;

    public WebhookDelivery(ZooKeeperConnection zk, JobLookup jobs, ImageLinks links, Settings settings, Clock clock,
                           String name, ObjectMapper mapper) {
        this.zk = zk;
        this.jobs = jobs;
        this.links = links;
        this.settings = settings;
        this.urls = new CallbackUrls(settings.allowPrivateAddresses());
        this.clock = clock;
        this.name = name;
        this.mapper = mapper;
        // No redirects: a 3xx could point a delivery at an address the URL check would have refused.
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void start() throws Exception {
        loop = new LeaderLoop(zk, ZkPaths.WEBHOOKS_LEADER, name, settings.poll().toMillis(), this::pass);
        loop.start();
    }

    @Override
    public void stop() throws Exception {
        if (loop != null) {
            loop.stop();
        }
        http.close();
    }

    /** One look at every entry; returns how many deliveries were answered 2xx. */
    int pass(java.util.function.BooleanSupplier stillLeader) throws Exception {
        int delivered = 0;
        List<String> ids;
        try {
            ids = zk.client().getChildren().forPath(ZkPaths.WEBHOOKS);
        } catch (KeeperException.NoNodeException none) {
            return 0;
        }
        for (String id : ids) {
            if (!stillLeader.getAsBoolean()) {
                break;
            }
            if (deliver(id)) {
                delivered++;
            }
        }
        return delivered;
    }

    private boolean deliver(String id) throws Exception {
        Stat stat = new Stat();
        OutboxEntry entry;
        try {
            entry = Json.read(zk.client().getData().storingStatIn(stat).forPath(ZkPaths.webhook(id)), OutboxEntry.class);
        } catch (KeeperException.NoNodeException gone) {
            return false;
        }
        long now = clock.millis();
        if (entry.nextAttemptAtMillis() > now) {
            return false;
        }
        Optional<Versioned<JobRecord>> job = jobs.find(id);
        if (job.isEmpty()) {
            LOG.warn("Webhook of job {} dropped: the job is in neither ZooKeeper nor the history", id);
            delete(id, stat.getVersion());
            return false;
        }
        JobRecord record = job.get().value();
        if (!record.state().isTerminal()) {
            return false;
        }
        if (now - record.completedAtMillis() > settings.giveUpAfter().toMillis()) {
            LOG.error("Webhook of job {} to {} given up after {} attempts over {}; last error: {}", id, entry.url(),
                    entry.attempts(), settings.giveUpAfter(), entry.lastError());
            delete(id, stat.getVersion());
            return false;
        }
        String error = post(id, entry, record);
        if (error == null) {
            delete(id, stat.getVersion());
            LOG.info("Webhook of job {} delivered to {} (attempt {})", id, entry.url(), entry.attempts() + 1);
            return true;
        }
        long backoff = Math.min(settings.maxBackoff().toMillis(),
                settings.initialBackoff().toMillis() << Math.min(20, entry.attempts()));
        long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        try {
            zk.client().setData().withVersion(stat.getVersion())
                    .forPath(ZkPaths.webhook(id), Json.write(entry.failed(error, now + jittered)));
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException moved) {
            // another leader worked it meanwhile: its write stands
        }
        LOG.info("Webhook of job {} to {} failed ({}); next try in {} ms", id, entry.url(), error, jittered);
        return false;
    }

    /** @return null when answered 2xx, else what went wrong */
    private String post(String id, OutboxEntry entry, JobRecord record) {
        try {
            URI target = urls.check(entry.url());
            byte[] body = mapper.writeValueAsBytes(JobView.of(record, null, links));
            String secret = new AccountStore(zk.client()).webhookSecret(record.user(), false);
            long t = clock.millis() / 1000;
            HttpRequest request = HttpRequest.newBuilder(target).timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "imagine-webhooks/1")
                    .header(WebhookSignature.EVENT_ID, eventId(record))
                    .header(WebhookSignature.HEADER, WebhookSignature.header(secret, t, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "answered " + response.statusCode();
        } catch (dev.imagine.api.errors.BadRequestException refused) {
            return refused.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /** Stable across retries, so a receiver can tell a repeat from a new event. */
    public static String eventId(JobRecord record) {
        return record.id() + "." + record.state().name().toLowerCase(java.util.Locale.ROOT);
    }

    private void delete(String id, int version) throws Exception {
        try {
            zk.client().delete().withVersion(version).forPath(ZkPaths.webhook(id));
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException moved) {
            // gone already (another leader), or rewritten: the next pass looks again
        }
    }
}
