package dev.imagine.participant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.controller.ImagineController;
import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotNames;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.helix.HelixManager;
import org.apache.helix.HelixManagerFactory;
import org.apache.helix.InstanceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A participant's slot under a real Helix controller: load on join, swap version on retarget, serve jobs. */
class SlotTransitionTest {
    private static final String CLUSTER = "slot-test";
    private static final String POOL = "cpu-test";

    @TempDir
    Path dir;
    EmbeddedZooKeeper zookeeper;
    ImagineController controller;
    GpuParticipant participant;
    CuratorFramework zk;
    HelixManager spectator;

    @BeforeEach
    void start() throws Exception {
        zookeeper = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        controller = new ImagineController(zookeeper.connectString(), CLUSTER, "controller-t", List.of("v6", "v8")).start();
        participant = new GpuParticipant(new ParticipantConfig(zookeeper.connectString(), CLUSTER, "node-a", POOL, 1,
                "v8", ModelPreset.TINY, dir.resolve("images"), Duration.ofSeconds(3))).start();
        zk = ZkClients.connect(zookeeper.connectString(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (spectator != null) {
            spectator.disconnect();
        }
        zk.close();
        participant.close();
        controller.close();
        zookeeper.close();
    }

    @Test
    void slotLoadsItsVersionThenSwitchesWhenRetargetedAndServesThatVersion() throws Exception {
        String slot = SlotNames.slot(POOL, "node-a", 0);
        awaitSlot(s -> s.name().equals(slot) && "v8".equals(s.version()) && s.live());

        spectator = HelixManagerFactory.getZKHelixManager(CLUSTER, "test-spectator", InstanceType.SPECTATOR,
                zookeeper.connectString());
        spectator.connect();
        try (ClusterSetup setup = new ClusterSetup(zookeeper.connectString(), CLUSTER)) {
            setup.retarget(spectator.getHelixDataAccessor(), POOL, slot, "node-a", "v6");
        }
        awaitSlot(s -> s.name().equals(slot) && "v6".equals(s.version()));

        JobStore store = new JobStore(zk);
        JobRecord job = JobRecord.queued("t1-job", "tester",
                new JobSpec("a castle", "", "v6", 1, 1, 5, 0.5, 100, 0, Lane.FAST), System.currentTimeMillis());
        store.submit(job);
        JobRecord done = awaitTerminal(store, job.id());

        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.slot()).isEqualTo(slot);
        assertThat(done.worker()).isEqualTo("node-a");
        assertThat(new dev.imagine.core.store.ImageStore(dir.resolve("images")).read(done.imagePath()).orElseThrow().bytes())
                .isNotEmpty();
    }

    private void awaitSlot(Predicate<Slot> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (controller.slots().stream().noneMatch(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("slot condition not met; slots now " + controller.slots());
            }
            Thread.sleep(20);
        }
    }

    private static JobRecord awaitTerminal(JobStore store, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JobRecord job = store.get(id).orElseThrow().value();
        while (!job.state().isTerminal()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job did not finish: " + job);
            }
            Thread.sleep(20);
            job = store.get(id).orElseThrow().value();
        }
        return job;
    }
}
