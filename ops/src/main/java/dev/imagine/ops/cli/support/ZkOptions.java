package dev.imagine.ops.cli.support;

import picocli.CommandLine.Option;

/** Where the cluster is: the ZooKeeper ensemble and the Helix cluster name. */
public final class ZkOptions {
    @Option(names = "--zk", defaultValue = "${env:IMAGINE_ZK:-127.0.0.1:2181}",
            description = "ZooKeeper connect string (default ${DEFAULT-VALUE}; env IMAGINE_ZK).")
    public String zk;

    @Option(names = "--cluster", defaultValue = "imagine-cluster", description = "Helix cluster (default ${DEFAULT-VALUE}).")
    public String cluster;
}
