package dev.imagine.controller.helix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.zk.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dropping a participant while the controller still tidies its znodes (messages, current states) must not
 * throw: Helix's atomic recursive delete lists the children first, and a child removed in between fails the
 * whole multi with NONODE. The drainer and the reconciler poll, so "not gone yet" is the answer, not an error.
 */
class SlotAdminDropTest {
    private static final String CLUSTER = "drop-test";

    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zookeeper;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        try (ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), CLUSTER)) {
            setup.ensureCluster(Set.of("v8"));
            setup.ensurePool("gpu");
        }
    }

    @AfterAll
    static void stop() {
        zookeeper.close();
    }

    @Test
    void aChildVanishingDuringTheDropIsNotAnErrorAndTheDropFinishesOnceItSettles() throws Exception {
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zookeeper.connectString(), new RetryOneTime(100));
             SlotAdmin slots = new SlotAdmin(zookeeper.connectString(), CLUSTER);
             ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), CLUSTER)) {
            zk.start();
            for (int round = 0; round < 10; round++) {
                String instance = "node-" + round;
                setup.ensureInstance(instance, "localhost", 0, "gpu");
                String messages = "/" + CLUSTER + "/INSTANCES/" + instance + "/MESSAGES";
                for (int m = 0; m < 300; m++) {
                    zk.create().creatingParentsIfNeeded().forPath(messages + "/m-" + m);
                }
                // as the controller does for a dead participant: its messages are removed one by one
                Thread tidier = Thread.ofPlatform().start(() -> {
                    for (int m = 0; m < 300; m++) {
                        try {
                            zk.delete().forPath(messages + "/m-" + m);
                        } catch (Exception dropped) {
                            return;
                        }
                    }
                });
                boolean dropped = false;
                for (int i = 0; i < 50 && !dropped; i++) {
                    dropped = slots.dropInstance(instance);
                }
                tidier.join();
                for (int i = 0; i < 5 && !dropped; i++) {
                    dropped = slots.dropInstance(instance);
                }
                assertThat(dropped).as(instance).isTrue();
                assertThat(slots.instanceConfig(instance)).as(instance).isEmpty();
            }
        }
    }
}
