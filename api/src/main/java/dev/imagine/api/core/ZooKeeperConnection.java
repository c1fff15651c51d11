package dev.imagine.api.core;

import dev.imagine.core.zk.ZkClients;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/** The API's Curator client, started and stopped with the Dropwizard server. */
public final class ZooKeeperConnection implements Managed {
    private final String zkAddress;
    private final Duration sessionTimeout;
    private volatile CuratorFramework client;

    public ZooKeeperConnection(String zkAddress, Duration sessionTimeout) {
        this.zkAddress = zkAddress;
        this.sessionTimeout = sessionTimeout;
    }

    @Override
    public void start() {
        client = ZkClients.connect(zkAddress, sessionTimeout);
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
    }

    public CuratorFramework client() {
        if (client == null) {
            throw new IllegalStateException("ZooKeeper connection to " + zkAddress + " is not started");
        }
        return client;
    }

    public String address() {
        return zkAddress;
    }
}
