package dev.imagine.controller.helix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.zk.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.helix.HelixManager;
import org.apache.helix.HelixManagerFactory;
import org.apache.helix.InstanceType;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.IdealState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setup is idempotent and safe when participants of a new pool join at the same moment. */
class ClusterSetupTest {
    @TempDir
    static Path dir;
    static EmbeddedZooKeeper zookeeper;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        try (ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), "setup-test")) {
            setup.ensureCluster(Set.of("v6", "v8"));
            setup.ensureCluster(Set.of("v6", "v8"));
        }
    }

    @AfterAll
    static void stop() {
        zookeeper.close();
    }

    @Test
    void participantsRacingToCreateAPoolAllSucceedAndEveryoneGetsItsSlots() throws Exception {
        int racers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> joins = new ArrayList<>();
        HelixManager accessorOwner = HelixManagerFactory.getZKHelixManager("setup-test", "setup-spectator",
                InstanceType.SPECTATOR, zookeeper.connectString());
        accessorOwner.connect();
        try {
            for (int i = 0; i < racers; i++) {
                String instance = "node-" + i;
                joins.add(pool.submit(() -> {
                    go.await();
                    try (ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), "setup-test")) {
                        setup.ensurePool("gpu-race");
                        setup.ensureInstance(instance, "localhost", 0, "gpu-race");
                        setup.ensureSlots(accessorOwner.getHelixDataAccessor(), "gpu-race", instance, 2, "v8");
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> join : joins) {
                join.get();
            }
        } finally {
            pool.shutdownNow();
            accessorOwner.disconnect();
        }

        ZKHelixAdmin admin = new ZKHelixAdmin(zookeeper.connectString());
        IdealState idealState = admin.getResourceIdealState("setup-test", "gpu-race");
        admin.close();
        assertThat(idealState.getPartitionSet()).hasSize(racers * 2).contains(SlotNames.slot("gpu-race", "node-3", 1));
        assertThat(idealState.getInstanceStateMap(SlotNames.slot("gpu-race", "node-0", 0))).containsEntry("node-0", "V8");
        assertThat(idealState.getRebalanceMode()).isEqualTo(IdealState.RebalanceMode.CUSTOMIZED);
    }

    @Test
    void aRejoiningParticipantReportsItsAttributesAsTheyAreNow() {
        try (ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), "setup-test")) {
            setup.ensurePool("gpu-attrs");
            setup.ensureInstance("node-x", "localhost", 0, "gpu-attrs", java.util.Map.of("kernels.s0", "scalar: cpu"));
            setup.ensureInstance("node-x", "localhost", 0, "gpu-attrs", java.util.Map.of("kernels.s0", "vector: cpu, 2 thread(s)"));
        }
        ZKHelixAdmin admin = new ZKHelixAdmin(zookeeper.connectString());
        String reported = admin.getInstanceConfig("setup-test", "node-x").getRecord().getSimpleField("kernels.s0");
        admin.close();
        assertThat(reported).isEqualTo("vector: cpu, 2 thread(s)");
    }

    @Test
    void aParticipantRegisteredWhileAnotherIsHalfRegisteredIsStillAssignable() throws Exception {
        // What a participant that is registering at the same moment looks like to Helix: its config is written, its
        // instance folders not yet. Helix's addInstance then logs "is NOT setup" and marks the new one UNKNOWN.
        org.apache.helix.zookeeper.impl.client.ZkClient raw = new org.apache.helix.zookeeper.impl.client.ZkClient(
                zookeeper.connectString());
        raw.setZkSerializer(new org.apache.helix.zookeeper.datamodel.serializer.ZNRecordSerializer());
        raw.createPersistent("/setup-test/CONFIGS/PARTICIPANT/half-registered",
                new org.apache.helix.zookeeper.datamodel.ZNRecord("half-registered"));
        // ... and a moment later it is gone (or done)
        Thread finisher = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            raw.deleteRecursively("/setup-test/CONFIGS/PARTICIPANT/half-registered");
        });
        try (ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), "setup-test")) {
            setup.ensurePool("gpu-half");
            setup.ensureInstance("node-after-half", "localhost", 0, "gpu-half");
        } finally {
            finisher.join();
            raw.close();
        }

        ZKHelixAdmin admin = new ZKHelixAdmin(zookeeper.connectString());
        try {
            assertThat(admin.getInstanceConfig("setup-test", "node-after-half").getInstanceOperation().getOperation())
                    .isEqualTo(org.apache.helix.constants.InstanceConstants.InstanceOperation.ENABLE);

            // One left UNKNOWN by such a race in an earlier life is made assignable again when it registers.
            admin.setInstanceOperation("setup-test", "node-after-half",
                    org.apache.helix.constants.InstanceConstants.InstanceOperation.UNKNOWN);
            try (ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), "setup-test")) {
                setup.ensureInstance("node-after-half", "localhost", 0, "gpu-half");
            }
            assertThat(admin.getInstanceConfig("setup-test", "node-after-half").getInstanceOperation().getOperation())
                    .isEqualTo(org.apache.helix.constants.InstanceConstants.InstanceOperation.ENABLE);
        } finally {
            admin.close();
        }
    }
}
