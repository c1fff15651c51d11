package dev.imagine.api.discord;

import dev.imagine.api.core.JobLookup;
import dev.imagine.api.core.LeaderLoop;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkPaths;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.util.Optional;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works the Discord outbox in the one API process holding {@code /leader/discord}: edits each job's message with its
 * progress and latest preview (at most every 2 s), then replaces it with the grid and its buttons, or tells the user
 * (ephemeral) why it ended otherwise. Discord's rules: a 429 waits its {@code retry_after}; past the interaction
 * token's 15 minutes (or when Discord no longer knows the token) the result goes to the channel with the bot token; a
 * 5xx or no answer is retried with backoff. The entry is deleted only once the result is delivered, so it survives
 * any restart.
 */
public final class DiscordDelivery implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(DiscordDelivery.class);
    static final long EDIT_EVERY_MILLIS = 2_000;
    /** Interaction tokens live 15 minutes; a little margin for the call itself. */
    static final long TOKEN_LIFETIME_MILLIS = 14 * 60_000 + 30_000;
    static final long GIVE_UP_MILLIS = 24 * 3_600_000L;

    private final ZooKeeperConnection zk;
    private final JobLookup jobs;
    private final ImageStore images;
    private final DiscordApi discord;
    private final Clock clock;
    private final String name;
    private final long pollMillis;
    private LeaderLoop loop;

    public DiscordDelivery(ZooKeeperConnection zk, JobLookup jobs, ImageStore images, DiscordApi discord, Clock clock,
                           String name, long pollMillis) {
        this.zk = zk;
        this.jobs = jobs;
        this.images = images;
        this.discord = discord;
        this.clock = clock;
        this.name = name;
        this.pollMillis = pollMillis;
    }

    @Override
    public void start() throws Exception {
        loop = new LeaderLoop(zk, ZkPaths.DISCORD_LEADER, name, pollMillis, stillLeader -> {
            for (String id : zk.client().getChildren().forPath(ZkPaths.DISCORD)) {
                if (!stillLeader.getAsBoolean()) {
                    return;
                }
                deliver(id);
            }
        });
        loop.start();
    }

    @Override
    public void stop() throws Exception {
        if (loop != null) {
            loop.stop();
        }
    }

    private void deliver(String id) throws Exception {
        Stat stat = new Stat();
        DiscordEntry entry;
        try {
            entry = Json.read(zk.client().getData().storingStatIn(stat).forPath(ZkPaths.discord(id)), DiscordEntry.class);
        } catch (KeeperException.NoNodeException gone) {
            return;
        }
        long now = clock.millis();
        if (entry.nextAttemptAtMillis() > now) {
            return;
        }
        Optional<Versioned<JobRecord>> job = jobs.find(id);
        if (job.isEmpty() || now - entry.createdAtMillis() > GIVE_UP_MILLIS) {
            LOG.error("Discord delivery of job {} given up ({})", id, job.isEmpty() ? "job not found" : "past a day");
            delete(id, stat.getVersion());
            return;
        }
        JobRecord record = job.get().value();
        boolean expired = now - entry.createdAtMillis() > TOKEN_LIFETIME_MILLIS;
        try {
            if (record.state().isTerminal()) {
                finish(id, stat.getVersion(), entry, record, expired);
            } else if (!expired && record.step() != entry.lastStep() && now - entry.lastEditMillis() >= EDIT_EVERY_MILLIS) {
                progress(id, stat.getVersion(), entry, record, now);
            }
        } catch (java.io.IOException noAnswer) {
            retry(id, stat.getVersion(), entry, backoff(entry), "no answer: " + noAnswer);
        }
    }

    private void progress(String id, int version, DiscordEntry entry, JobRecord record, long now) throws Exception {
        Optional<ImageStore.Image> preview = record.preview() == null ? Optional.empty() : images.read(record.preview());
        DiscordApi.Attachment file = preview.map(p -> new DiscordApi.Attachment("preview.png", p.bytes())).orElse(null);
        String payload = DiscordMessages.progress(entry, record, file != null);
        DiscordApi.Reply reply = DiscordEntry.NEW.equals(entry.messageId())
                ? discord.followUp(entry.token(), payload, file)
                : discord.editMessage(entry.token(), entry.messageId(), payload, file);
        if (reply.ok()) {
            String messageId = DiscordEntry.NEW.equals(entry.messageId()) ? reply.json().path("id").asText(null)
                    : entry.messageId();
            write(id, version, entry.edited(record.step(), now, messageId));
        } else if (reply.status() == 429) {
            retry(id, version, entry, reply.retryAfterMillis(), "rate limited");
        } else {
            // progress is best effort: the final delivery is what must arrive
            LOG.debug("Progress edit of job {} answered {}", id, reply.status());
            write(id, version, entry.edited(record.step(), now, entry.messageId()));
        }
    }

    private void finish(String id, int version, DiscordEntry entry, JobRecord record, boolean expired) throws Exception {
        DiscordApi.Reply reply;
        if (record.state() == JobState.COMPLETED) {
            byte[] png = images.read(record.imagePath()).map(ImageStore.Image::bytes).orElse(null);
            String payload = DiscordMessages.done(entry, record);
            DiscordApi.Attachment file = png == null ? null : new DiscordApi.Attachment(
                    payload.contains("image.png") ? "image.png" : "grid.png", png);
            reply = expired ? discord.channelMessage(entry.channelId(), payload, file)
                    : DiscordEntry.NEW.equals(entry.messageId()) ? discord.followUp(entry.token(), payload, file)
                    : discord.editMessage(entry.token(), entry.messageId(), payload, file);
            if (!expired && (reply.status() == 401 || reply.status() == 404)) {
                // Discord no longer knows the interaction: the channel, with the bot's own token
                reply = discord.channelMessage(entry.channelId(), payload, file);
            }
        } else {
            String text = DiscordMessages.ended(entry, record);
            reply = expired ? discord.channelMessage(entry.channelId(), DiscordMessages.told(text, false), null)
                    : discord.followUp(entry.token(), DiscordMessages.told(text, true), null);
            if (reply.ok() && !expired && entry.messageId() == null) {
                discord.deleteOriginal(entry.token()); // the "thinking…" placeholder; its failure changes nothing
            }
        }
        if (reply.ok()) {
            delete(id, version);
            LOG.info("Job {} ({}) delivered to Discord{}", id, record.state(), expired ? " as a channel message" : "");
        } else if (reply.status() == 429) {
            retry(id, version, entry, reply.retryAfterMillis(), "rate limited");
        } else if (reply.status() >= 500) {
            retry(id, version, entry, backoff(entry), "answered " + reply.status());
        } else {
            LOG.error("Discord refused the result of job {}: {} {}", id, reply.status(), reply.body());
            retry(id, version, entry, Math.max(60_000, backoff(entry)), "refused " + reply.status());
        }
    }

    private static long backoff(DiscordEntry entry) {
        return Math.min(300_000, 500L << Math.min(10, entry.attempts()));
    }

    private void retry(String id, int version, DiscordEntry entry, long waitMillis, String why) throws Exception {
        LOG.info("Discord delivery of job {}: {}; next try in {} ms", id, why, waitMillis);
        write(id, version, entry.retryAt(clock.millis() + waitMillis));
    }

    private void write(String id, int version, DiscordEntry next) throws Exception {
        try {
            zk.client().setData().withVersion(version).forPath(ZkPaths.discord(id), Json.write(next));
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException moved) {
            // another leader's write stands
        }
    }

    private void delete(String id, int version) throws Exception {
        try {
            zk.client().delete().withVersion(version).forPath(ZkPaths.discord(id));
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException moved) {
            // gone already, or rewritten: looked at again next pass
        }
    }
}
