package dev.imagine.api;

import dev.imagine.api.auth.ApiKeyFilter;
import dev.imagine.api.core.ClusterView;
import dev.imagine.api.core.JobSubmitter;
import dev.imagine.api.core.LanesCache;
import dev.imagine.api.core.QueueEstimate;
import dev.imagine.api.core.UsersCache;
import dev.imagine.api.errors.LimitExceededMapper;
import dev.imagine.api.errors.UnreadableRecordMapper;
import dev.imagine.api.resources.MeResource;
import dev.imagine.api.core.ImageLinks;
import dev.imagine.api.history.HistoryService;
import dev.imagine.api.history.SubmissionRecorder;
import dev.imagine.api.resources.HistoryResource;
import dev.imagine.api.resources.ImagesResource;
import dev.imagine.core.store.LifecycleRules;
import dev.imagine.history.HistoryMigrations;
import dev.imagine.history.JobHistory;
import io.dropwizard.jdbi3.JdbiFactory;
import org.jdbi.v3.core.Jdbi;
import dev.imagine.core.scheduling.DispatchPolicy;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.errors.BadRequestMapper;
import dev.imagine.api.errors.InvalidJsonMapper;
import dev.imagine.api.errors.ZooKeeperUnavailableMapper;
import com.codahale.metrics.Gauge;
import dev.imagine.api.errors.JsonErrorHandler;
import dev.imagine.api.errors.UnknownRouteMapper;
import dev.imagine.api.health.DeadLetterHealthCheck;
import dev.imagine.api.health.ZooKeeperHealthCheck;
import dev.imagine.api.health.DispatcherLeaderHealthCheck;
import dev.imagine.api.health.ImageStoreHealthCheck;
import dev.imagine.api.health.ModerationHealthCheck;
import dev.imagine.api.core.Actions;
import dev.imagine.api.core.JobLookup;
import dev.imagine.api.core.SubmissionMetrics;
import dev.imagine.api.errors.BodyLimitFilter;
import dev.imagine.api.errors.StrictJson;
import dev.imagine.api.moderation.TextModeration;
import dev.imagine.api.resources.ActionsResource;
import dev.imagine.api.resources.EventsResource;
import dev.imagine.api.webhooks.CallbackUrls;
import dev.imagine.api.webhooks.WebhookDelivery;
import dev.imagine.api.discord.DiscordApi;
import dev.imagine.api.discord.DiscordDelivery;
import dev.imagine.api.discord.DiscordSettings;
import dev.imagine.api.discord.InteractionSignature;
import dev.imagine.api.discord.InteractionsResource;
import dev.imagine.api.resources.HealthResource;
import dev.imagine.api.resources.ImagineResource;
import dev.imagine.api.resources.JobsResource;
import dev.imagine.core.job.Lane;
import dev.imagine.core.prompt.PromptParser;
import dev.imagine.core.store.ImageStore;
import dev.imagine.kernels.ModelRegistry;
import io.dropwizard.core.Application;
import com.fasterxml.jackson.databind.DeserializationFeature;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Server;

/** The REST API. {@link #run} only wires; the parts live in {@code core}, {@code resources}, {@code errors}. */
public class ImagineApplication extends Application<ImagineApiConfiguration> {
    private final Consumer<Server> onServerStarted;

    public ImagineApplication() {
        this(server -> { });
    }

    /** @param onServerStarted receives the Jetty server once it listens (its port, and a way to stop it) */
    public ImagineApplication(Consumer<Server> onServerStarted) {
        this.onServerStarted = onServerStarted;
    }

    public static void main(String[] args) throws Exception {
        new ImagineApplication().run(args);
    }

    @Override
    public String getName() {
        return "imagine-api";
    }

    @Override
    public void initialize(Bootstrap<ImagineApiConfiguration> bootstrap) {
        // A misspelt field ("promt") is an error the client should hear about, not a silently empty prompt.
        bootstrap.getObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // `db status`, `db migrate`, … over the history's change sets (the server also applies them at start).
        bootstrap.addBundle(new io.dropwizard.migrations.MigrationsBundle<ImagineApiConfiguration>() {
            @Override
            public io.dropwizard.db.DataSourceFactory getDataSourceFactory(ImagineApiConfiguration config) {
                return config.getDatabase();
            }

            @Override
            public String getMigrationsFileName() {
                return HistoryMigrations.CHANGELOG;
            }
        });
    }

    @Override
    public void run(ImagineApiConfiguration config, Environment environment) throws Exception {
        // Request bodies only: the configuration has been read by now, with its own (lenient) rules for overrides.
        StrictJson.apply(environment.getObjectMapper());
        ZooKeeperConnection zk = new ZooKeeperConnection(config.getZkAddress(),
                Duration.ofMillis(config.getZkSessionTimeoutMillis()));
        environment.lifecycle().manage(zk);
        SecureRandom seeds = new SecureRandom();
        PromptParser parser = new PromptParser(ModelRegistry.versions(), config.getDefaultModelVersion(), seeds::nextLong);
        Clock clock = Clock.systemUTC();
        ClusterView cluster = new ClusterView(zk, config.getHelixCluster());
        environment.lifecycle().manage(cluster);
        UsersCache users = new UsersCache(zk);
        environment.lifecycle().manage(users);
        LanesCache lanes = new LanesCache(zk);
        environment.lifecycle().manage(lanes);
        TextModeration moderation = new TextModeration(config.getModeration().policyFile == null ? null
                : Path.of(config.getModeration().policyFile));
        environment.lifecycle().manage(moderation);
        moderation.start(); // before the first request: fail closed from the start, not open until it loads
        SubmissionMetrics metrics = new SubmissionMetrics(environment.metrics(), lanes);
        ImagineApiConfiguration.WebhookSettings hooks = config.getWebhooks();
        JobSubmitter submitter = new JobSubmitter(parser, zk, lanes, clock, config.getMaxRelaxDepth(), cluster)
                .withFrontChecks(moderation, new CallbackUrls(hooks.allowPrivateAddresses), metrics);
        ImageStore images = new ImageStore(Path.of(config.getImageDir()).toAbsolutePath());
        ImageLinks links = new ImageLinks(linkKey(config.getImages()), Duration.ofSeconds(config.getImages().linkLifetimeSeconds),
                clock);
        JobHistory history = startHistory(config, environment, zk, images);
        if (history != null) {
            SubmissionRecorder recorder = new SubmissionRecorder(history);
            environment.lifecycle().manage(recorder);
            submitter.onAccepted(recorder::accepted);
        }
        QueueEstimate estimates = new QueueEstimate(
                new DispatchPolicy(Duration.ofMillis(config.getRelaxPromoteAfterMillis())), users, lanes, cluster, clock);

        // Refusals Jetty makes before any resource runs (malformed URIs, unknown paths) answer in the API's JSON too.
        environment.getApplicationContext().setErrorHandler(new JsonErrorHandler());
        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new JsonErrorHandler()));
        environment.jersey().register(new BodyLimitFilter(config.getMaxBodyBytes()));
        environment.jersey().register(new ApiKeyFilter(zk));
        JobLookup lookup = new JobLookup(zk, history);
        Actions actions = new Actions(parser, () -> Math.floorMod(seeds.nextLong(), PromptParser.MAX_SEED + 1));
        environment.jersey().register(new ActionsResource(lookup, actions, submitter));
        environment.jersey().register(new EventsResource(zk, lookup, links, environment.getObjectMapper()));
        startDiscord(config, environment, zk, submitter, lookup, actions, images, clock);
        environment.lifecycle().manage(new WebhookDelivery(zk, lookup, links, new WebhookDelivery.Settings(
                Duration.ofMillis(hooks.pollMillis), Duration.ofMillis(hooks.initialBackoffMillis),
                Duration.ofMillis(hooks.maxBackoffMillis), Duration.ofHours(hooks.giveUpAfterHours),
                Duration.ofMillis(hooks.timeoutMillis), hooks.allowPrivateAddresses), clock,
                "api-" + ProcessHandle.current().pid(), environment.getObjectMapper()));
        environment.jersey().register(new ImagineResource(submitter, Lane.parse(config.getDefaultMode())));
        environment.jersey().register(new JobsResource(zk, images, estimates, clock, history, links));
        environment.jersey().register(new HistoryResource(history, zk, links));
        environment.jersey().register(new ImagesResource(images, links));
        environment.jersey().register(new MeResource(zk, clock));
        environment.jersey().register(new dev.imagine.api.resources.ModelsResource(config.getDefaultModelVersion()));
        environment.jersey().register(new dev.imagine.api.resources.OpenApiResource());
        environment.jersey().register(new dev.imagine.api.resources.WebAppResource());
        environment.jersey().register(new HealthResource(zk, lanes));
        environment.jersey().register(new LimitExceededMapper());
        environment.jersey().register(new UnknownRouteMapper());
        environment.jersey().register(new UnreadableRecordMapper());
        environment.jersey().register(new BadRequestMapper());
        environment.jersey().register(new InvalidJsonMapper());
        environment.jersey().register(new ZooKeeperUnavailableMapper());
        environment.healthChecks().register("zookeeper", new ZooKeeperHealthCheck(zk));
        environment.healthChecks().register("dispatcher-leader", new DispatcherLeaderHealthCheck(zk));
        environment.healthChecks().register("image-store", new ImageStoreHealthCheck(images.root()));
        environment.healthChecks().register("moderation", new ModerationHealthCheck(moderation, zk));
        DeadLetterHealthCheck deadLetters = new DeadLetterHealthCheck(zk);
        environment.healthChecks().register("dead-letters", deadLetters);
        environment.metrics().register("imagine.dlq.depth", (Gauge<Integer>) () -> {
            try {
                return deadLetters.depth();
            } catch (Exception unreachable) {
                return -1;
            }
        });
        environment.lifecycle().addServerLifecycleListener(onServerStarted::accept);
    }

    /** With a Discord public key (config or IMAGINE_DISCORD_PUBLIC_KEY): the interactions endpoint and its delivery. */
    private static void startDiscord(ImagineApiConfiguration config, Environment environment, ZooKeeperConnection zk,
                                     JobSubmitter submitter, JobLookup lookup, Actions actions, ImageStore images,
                                     Clock clock) {
        DiscordSettings discord = config.getDiscord().withEnvironment(System.getenv());
        if (!discord.enabled()) {
            return;
        }
        DiscordApi api = new DiscordApi(discord);
        environment.jersey().register(new InteractionsResource(new InteractionSignature(discord.publicKeyHex), api, zk,
                submitter, lookup, actions, Lane.parse(config.getDefaultMode()), clock));
        environment.lifecycle().manage(new DiscordDelivery(zk, lookup, images, api, clock,
                "api-" + ProcessHandle.current().pid(), 250));
        org.slf4j.LoggerFactory.getLogger(ImagineApplication.class).info(
                "Discord interactions served at /discord/interactions for application {} (REST base {})",
                discord.applicationId, discord.apiBase);
    }

    /**
     * The history database: migrated, then a Jdbi over Dropwizard's pooled data source (with its health check), the
     * archiver and the image lifecycle. Null without a {@code database} in the config.
     */
    private static JobHistory startHistory(ImagineApiConfiguration config, Environment environment, ZooKeeperConnection zk,
                                           ImageStore images) throws Exception {
        if (config.getDatabase() == null) {
            return null;
        }
        io.dropwizard.db.ManagedDataSource dataSource = config.getDatabase().build(environment.metrics(), "history");
        HistoryMigrations.apply(dataSource);
        Jdbi jdbi = new JdbiFactory().build(environment, config.getDatabase(), dataSource, "history");
        JobHistory history = new JobHistory(jdbi);
        ImagineApiConfiguration.ImageSettings imageSettings = config.getImages();
        LifecycleRules rules = new LifecycleRules(Duration.ofDays(imageSettings.warmAfterDays),
                Duration.ofDays(imageSettings.coldAfterDays), Duration.ofMinutes(imageSettings.previewsAfterMinutes));
        environment.lifecycle().manage(new HistoryService(zk, history, images,
                Duration.ofSeconds(config.getHistory().retentionSeconds),
                Duration.ofMillis(config.getHistory().archiveEveryMillis), rules,
                Duration.ofMinutes(imageSettings.lifecycleEveryMinutes), "api-" + ProcessHandle.current().pid()));
        return history;
    }

    private static byte[] linkKey(ImagineApiConfiguration.ImageSettings settings) {
        if (settings.linkKeyHex == null || settings.linkKeyHex.isBlank()) {
            org.slf4j.LoggerFactory.getLogger(ImagineApplication.class).warn(
                    "images.linkKeyHex is not set: image links are signed with a random key and die with this process");
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }
        try {
            return java.util.HexFormat.of().parseHex(settings.linkKeyHex.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("images.linkKeyHex must be hex digits (64 or more)", e);
        }
    }
}
