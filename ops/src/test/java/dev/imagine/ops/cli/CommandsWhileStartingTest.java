package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.ops.CliRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator commands run while the cluster is still starting (the Helix cluster is there, the controller has not yet
 * laid out the queues) wait for it and then answer, rather than printing a bare ZooKeeper NoNode.
 */
class CommandsWhileStartingTest {
    @TempDir
    Path dir;

    @Test
    void commandsRunDuringStartWaitForTheLayoutAndAnswer() throws Exception {
        try (EmbeddedZooKeeper server = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start()) {
            try (ClusterSetup setup = new ClusterSetup(server.connectString(), "imagine-cluster")) {
                setup.ensureCluster(ModelRegistry.versions());
            }
            List<List<String>> commands = List.of(List.of("dlq", "list"), List.of("queue", "show"),
                    List.of("users", "list"), List.of("slots", "list"), List.of("cluster", "status"));
            List<CompletableFuture<CliRun>> runs = commands.stream()
                    .map(command -> CompletableFuture.supplyAsync(() -> {
                        List<String> args = new java.util.ArrayList<>(command);
                        args.addAll(List.of("--zk", server.connectString()));
                        return CliRun.run(args.toArray(String[]::new));
                    }))
                    .toList();
            Thread.sleep(1_500);
            try (CuratorFramework zk = ZkClients.connect(server.connectString(), Duration.ofSeconds(5))) {
                new JobStore(zk).ensureLayout();
            }
            for (int i = 0; i < runs.size(); i++) {
                CliRun run = runs.get(i).get(60, TimeUnit.SECONDS);
                assertThat(run.exitCode()).as("%s: %s", commands.get(i), run.err()).isZero();
                assertThat(run.err()).doesNotContain("Exception");
            }
        }
    }

    @Test
    void aZooKeeperErrorIsToldInWordsNotAsABareException() {
        var handler = new dev.imagine.ops.cli.ErrorHandler();
        var out = new java.io.StringWriter();
        var cli = dev.imagine.ops.ImagineCli.commandLine().setErr(new java.io.PrintWriter(out));
        int code = handler.handleExecutionException(
                new RuntimeException(org.apache.zookeeper.KeeperException.create(
                        org.apache.zookeeper.KeeperException.Code.NONODE)), cli, null);

        assertThat(code).isEqualTo(3);
        assertThat(out.toString()).doesNotContain("NoNodeException").contains("ZooKeeper")
                .contains("run the command again");
    }
}
