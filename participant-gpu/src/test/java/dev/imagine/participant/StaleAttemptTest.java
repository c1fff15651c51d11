package dev.imagine.participant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.JobState;
import dev.imagine.core.job.Lane;
import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.GeneratedGrid;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ProgressListener;
import dev.imagine.kernels.SamplingPlan;
import dev.imagine.kernels.ops.ScalarTensorOps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stale worker (its job taken back and completed by another attempt) cannot overwrite what the job shows:
 * each attempt writes its previews and grid under its own keys, and the completing transaction alone names the
 * job's image. The worker protocol is the real one on a real ZooKeeper; the models are scripted so the stale
 * attempt wakes exactly after the new one completed.
 */
class StaleAttemptTest {
    @TempDir
    Path dir;
    EmbeddedZooKeeper zookeeper;
    CuratorFramework zk;
    JobStore store;
    ImageStore images;

    @BeforeEach
    void start() throws Exception {
        zookeeper = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        zk = ZkClients.connect(zookeeper.connectString(), Duration.ofSeconds(5));
        store = new JobStore(zk);
        store.ensureLayout();
        images = new ImageStore(dir.resolve("images"));
    }

    @AfterEach
    void stop() {
        zk.close();
        zookeeper.close();
    }

    @Test
    void aStaleAttemptOverwritesNeitherThePreviewNorTheGridOfTheAttemptThatCompleted() throws Exception {
        JobSpec spec = new JobSpec("a fox", "", "v8", 1, 1, 7, 1, 100, 0, Lane.FAST);
        store.submit(JobRecord.queued("stale-1", "tester", spec, 1_000));
        dispatch("stale-1", "slot-a");

        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        Scripted first = new Scripted("A", stalled, wake);
        SlotRuntime slotA = new SlotRuntime("slot-a", ScalarTensorOps.INSTANCE, first);
        JobRunner runnerA = new JobRunner(store, images, "node-a", Clock.systemUTC());
        Thread staleRun = Thread.ofPlatform().start(() -> {
            try {
                runnerA.run(slotA, "stale-1", new CancellationToken());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();

        // Taken back while stalled (as recovery does after the progress timeout), then completed on slot B.
        assertThat(store.retry(store.get("stale-1").orElseThrow(), JobStore.Retry.slotFault("no progress"), 5_000)).isTrue();
        dispatch("stale-1", "slot-b");
        new JobRunner(store, images, "node-b", Clock.systemUTC())
                .run(new SlotRuntime("slot-b", ScalarTensorOps.INSTANCE, new Scripted("B", null, null)), "stale-1",
                        new CancellationToken());
        JobRecord completed = store.get("stale-1").orElseThrow().value();
        assertThat(completed.state()).isEqualTo(JobState.COMPLETED);

        // The stale attempt wakes: a preview and a grid of its own, written after the job completed.
        wake.countDown();
        staleRun.join(10_000);

        assertThat(read(completed.imagePath())).isEqualTo("B-grid");
        // the record names attempt B's last preview, never the stale attempt's
        assertThat(completed.preview()).isEqualTo(dev.imagine.core.store.ContentHash.of("B-preview-2".getBytes(StandardCharsets.UTF_8)));
        assertThat(store.get("stale-1").orElseThrow().value()).isEqualTo(completed);
        assertThat(store.slotIsFree("slot-a")).isTrue();
    }

    @Test
    void aRunThatBreaksLetsGoOfItsLeaseAndItsSlotAtOnce() throws Exception {
        JobSpec spec = new JobSpec("a fox", "", "v8", 1, 1, 8, 1, 100, 0, Lane.FAST);
        store.submit(JobRecord.queued("broken-1", "tester", spec, 1_000));
        dispatch("broken-1", "slot-c");
        // The image store cannot be written (its root is a file): the run breaks after the kernel, before completing.
        Path notADirectory = java.nio.file.Files.writeString(dir.resolve("images-file"), "x");
        JobRunner runner = new JobRunner(store, new ImageStore(notADirectory), "node-c", Clock.systemUTC());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.run(
                new SlotRuntime("slot-c", ScalarTensorOps.INSTANCE, new Scripted("C", null, null)), "broken-1",
                new CancellationToken())).isInstanceOf(java.io.IOException.class);

        // Abandoned, but not held: no lease (recovery re-queues it at its next pass), the slot free, no session wait.
        assertThat(store.hasLease("broken-1")).isFalse();
        assertThat(store.slotIsFree("slot-c")).isFalse();
        assertThat(store.slotIsBusy("slot-c")).isFalse();
        assertThat(store.get("broken-1").orElseThrow().value().state()).isEqualTo(JobState.UPLOADING);
    }

    private void dispatch(String id, String slot) throws Exception {
        LaneEntry entry = store.laneEntries(Lane.FAST).stream().filter(e -> e.jobId().equals(id)).findFirst().orElseThrow();
        assertThat(store.dispatch(entry, store.get(id).orElseThrow(), slot, System.currentTimeMillis())).isTrue();
    }

    private String read(String key) throws Exception {
        return new String(images.read(key).orElseThrow(() -> new AssertionError("no image " + key)).bytes(),
                StandardCharsets.UTF_8);
    }

    /**
     * Two steps with a preview each and a grid, all named after {@code who}; optionally stalls after the first step
     * (a kernel that hangs and then comes back) and ignores cancellation, as a hung device does.
     */
    private record Scripted(String who, CountDownLatch stalled, CountDownLatch wake) implements DiffusionModel {
        @Override
        public String version() {
            return "v8";
        }

        @Override
        public ModelPreset preset() {
            return ModelPreset.TINY;
        }

        @Override
        public String backend() {
            return "scripted";
        }

        @Override
        public long flopsPerGrid(GenerationRequest request) {
            return 1;
        }

        @Override
        public SamplingPlan plan(GenerationRequest request) {
            return new SamplingPlan(64, 64, 2, 1f, 0f);
        }

        @Override
        public GeneratedGrid generate(GenerationRequest request, ProgressListener progress, CancellationToken cancel) {
            progress.onStep(1, 2, bytes(who + "-preview-1"));
            if (stalled != null) {
                stalled.countDown();
                try {
                    wake.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            progress.onStep(2, 2, bytes(who + "-preview-2"));
            return new GeneratedGrid(bytes(who + "-grid"), 128, 128, 2, 5);
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}
