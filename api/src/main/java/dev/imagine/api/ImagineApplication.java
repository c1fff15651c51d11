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
    }

    @Override
    public void run(ImagineApiConfiguration config, Environment environment) {
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
        JobSubmitter submitter = new JobSubmitter(parser, zk, lanes, clock, config.getMaxRelaxDepth(), cluster);
        ImageStore images = new ImageStore(Path.of(config.getImageDir()).toAbsolutePath());
        QueueEstimate estimates = new QueueEstimate(
                new DispatchPolicy(Duration.ofMillis(config.getRelaxPromoteAfterMillis())), users, lanes, cluster, clock);

        // Refusals Jetty makes before any resource runs (malformed URIs, unknown paths) answer in the API's JSON too.
        environment.getApplicationContext().setErrorHandler(new JsonErrorHandler());
        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new JsonErrorHandler()));
        environment.jersey().register(new ApiKeyFilter(zk));
        environment.jersey().register(new ImagineResource(submitter, Lane.parse(config.getDefaultMode())));
        environment.jersey().register(new JobsResource(zk, images, estimates, clock));
        environment.jersey().register(new MeResource(zk, clock));
        environment.jersey().register(new HealthResource(zk, lanes));
        environment.jersey().register(new LimitExceededMapper());
        environment.jersey().register(new UnknownRouteMapper());
        environment.jersey().register(new UnreadableRecordMapper());
        environment.jersey().register(new BadRequestMapper());
        environment.jersey().register(new InvalidJsonMapper());
        environment.jersey().register(new ZooKeeperUnavailableMapper());
        environment.healthChecks().register("zookeeper", new ZooKeeperHealthCheck(zk));
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
}
