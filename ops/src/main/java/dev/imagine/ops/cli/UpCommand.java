package dev.imagine.ops.cli;

import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imagine up}: the whole system on this machine, until Ctrl-C or SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start ZooKeeper, the Helix controller, participants and the API on this machine.")
public final class UpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "API port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "API bind address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--zk-port", defaultValue = "2181", description = "Embedded ZooKeeper port (default ${DEFAULT-VALUE}).")
    int zkPort;

    @Option(names = "--participants", defaultValue = "2", description = "Participants (default ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = "--slots", defaultValue = "1", description = "GPU slots per participant (default ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--preset", defaultValue = "small", description = "Model preset: tiny or small (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--model", defaultValue = "v8", description = "Model version new slots load (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--var", defaultValue = "var", description = "State directory (default ./${DEFAULT-VALUE}).")
    Path varDir;

    @Override
    public Integer call() throws Exception {
        if (participants < 1 || slots < 1) {
            throw new CliException("--participants and --slots must be at least 1", 2);
        }
        ModelPreset modelPreset;
        try {
            modelPreset = ModelPreset.valueOf(preset.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("--preset must be tiny or small, got '" + preset + "'", 2);
        }
        long start = System.nanoTime();
        LocalCluster cluster = new LocalCluster(new LocalClusterConfig(varDir, zkPort, host, port, participants, slots,
                modelPreset, model, Duration.ofSeconds(3)));
        cluster.start();
        cluster.awaitReady(participants * slots, Duration.ofSeconds(120));
        var out = spec.commandLine().getOut();
        out.printf("imagine is up in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        out.printf("  ZooKeeper   %s (data under %s)%n", cluster.zkAddress(), varDir.resolve("zookeeper"));
        out.printf("  Helix       cluster %s, pool %s, %d participant(s) x %d slot(s), model %s, %s preset%n",
                LocalClusterConfig.CLUSTER, LocalClusterConfig.POOL, participants, slots, model, modelPreset);
        out.printf("  API         %s  (try: ops/imagine submit \"a red fox in snow --ar 3:2 --seed 7\")%n", cluster.apiUrl());
        out.printf("  images      %s%n", varDir.resolve("images"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "imagine-shutdown"));
        stopped.await();
        return 0;
    }
}
