package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.controller.ImagineController;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.core.account.Plan;
import dev.imagine.core.scheduling.PlannerMemory;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.ops.local.LocalClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner's hysteresis survives a leader change: a slot the old leader just retargeted is held for the
 * minimum hold by the new leader too, because the planner's memory is in ZooKeeper, not in the old process.
 */
class PlannerLeaderChangeTest {
    private static final Duration HOLD = Duration.ofSeconds(8);
    private static final Set<String> DONE = Set.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED");

    @TempDir
    Path var;

    @Test
    void aNewLeaderHoldsTheSlotTheOldLeaderJustSwapped() throws Exception {
        SchedulerSettings settings = SchedulerSettings.DEFAULTS.withPlannerMinimumHold(HOLD)
                .withPlanner(0, 1.25);
        try (SchedulerCluster system = new SchedulerCluster(var, 2, ModelPreset.TINY, settings);
             ImagineController second = new ImagineController(system.cluster.zkAddress(), LocalClusterConfig.CLUSTER,
                     "controller-2", ModelRegistry.versions()).withScheduler(settings).start();
             SlotAdmin admin = new SlotAdmin(system.cluster.zkAddress(), LocalClusterConfig.CLUSTER)) {
            TestApi pia = system.user("pia", Plan.PRO);
            String v6 = pia.submit("a castle --v 6");
            assertThat(pia.awaitState(v6, DONE, Duration.ofSeconds(60)).path("state").asText()).isEqualTo("COMPLETED");
            String swapped = system.cluster.controller().slots().stream().filter(s -> "v6".equals(s.version()))
                    .map(Slot::name).findFirst().orElseThrow();
            PlannerMemory memory = Json.read(system.zk.getData().forPath(ZkPaths.PLANNER_STATE), PlannerMemory.class);
            long swappedAt = memory.lastSwapMillis().get(swapped);

            system.cluster.controller().close();
            awaitLeader(second);
            // Only the v6 slot can serve now, and a v8 job waits: the new leader wants that slot for v8 at once.
            Slot other = second.slots().stream().filter(s -> !s.name().equals(swapped)).findFirst().orElseThrow();
            admin.setSlotEnabled(admin.slot(other.name()).orElseThrow(), false);
            String v8 = pia.submit("a lighthouse --v 8");

            Thread.sleep(Math.max(0, swappedAt + HOLD.toMillis() - 1_500 - System.currentTimeMillis()));
            assertThat(second.slots()).filteredOn(s -> s.name().equals(swapped)).extracting(Slot::state).containsExactly("V6");
            assertThat(pia.job(v8).path("state").asText()).isEqualTo("QUEUED");

            // Once the hold has passed, the new leader swaps it and the job runs.
            var done = pia.awaitState(v8, DONE, Duration.ofSeconds(60));
            assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(done.path("slot").asText()).isEqualTo(swapped);
            // The record's own dispatch time: the view's queue wait counts from the last re-queue, if there was one.
            long dispatchedAt = new dev.imagine.core.zk.JobStore(system.zk).get(v8).orElseThrow().value().dispatchedAtMillis();
            assertThat(dispatchedAt).isGreaterThanOrEqualTo(swappedAt + HOLD.toMillis());
        }
    }

    private static void awaitLeader(ImagineController controller) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!controller.isDispatchLeader()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("controller-2 never became the dispatch leader");
            }
            Thread.sleep(20);
        }
    }
}
