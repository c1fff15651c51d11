package dev.imagine.ops;

import dev.imagine.api.ImagineApplication;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;

/** Another API instance on the same ZooKeeper (its own Jetty, its own ZooKeeper session), as a second process would be. */
final class SecondApi implements AutoCloseable {
    private final Server server;

    private SecondApi(Server server) {
        this.server = server;
    }

    /** @param yaml the first API's configuration (its ports are 0, so this one listens elsewhere) */
    static SecondApi start(Path yaml) throws Exception {
        CompletableFuture<Server> listening = new CompletableFuture<>();
        new ImagineApplication(listening::complete).run("server", yaml.toString());
        return new SecondApi(listening.get(60, TimeUnit.SECONDS));
    }

    /** The same user's calls, sent to this instance. */
    TestApi api(TestApi sameUser) {
        return sameUser.at("http://127.0.0.1:" + ((NetworkConnector) server.getConnectors()[0]).getLocalPort());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
