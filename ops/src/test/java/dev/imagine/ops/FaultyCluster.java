package dev.imagine.ops;

import dev.imagine.controller.FailureSettings;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.controller.helix.Slot;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.controller.helix.SlotNames;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.participant.GpuParticipant;
import dev.imagine.participant.faults.FaultInjectingOps;
import dev.imagine.participant.faults.KernelFaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * A real local system whose one participant has two slots, A and B, each with a fault switch on its kernels:
 * for the failure policy's tests (hung, failing and slow devices under the real worker, recovery and breaker).
 */
final class FaultyCluster implements AutoCloseable {
    final LocalCluster cluster;
    final GpuParticipant participant;
    final CuratorFramework zk;
    final JobStore store;
    final SlotAdmin admin;
    final String slotA;
    final String slotB;
    final Map<String, KernelFaults> faults;

    FaultyCluster(Path var, FailureSettings failures) throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 2, ModelPreset.TINY, "v8",
                Duration.ofSeconds(3))).withScheduler(SchedulerSettings.DEFAULTS).withFailures(failures).start();
        slotA = SlotNames.slot(LocalClusterConfig.POOL, "faulty-1", 0);
        slotB = SlotNames.slot(LocalClusterConfig.POOL, "faulty-1", 1);
        faults = Map.of(slotA, new KernelFaults(), slotB, new KernelFaults());
        participant = new GpuParticipant(cluster.participantConfig("faulty-1"))
                .withKernels((slot, ops) -> new FaultInjectingOps(ops, faults.get(slot)))
                .start();
        cluster.awaitReady(2, Duration.ofSeconds(60));
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
        store = new JobStore(zk);
        admin = new SlotAdmin(cluster.zkAddress(), LocalClusterConfig.CLUSTER);
    }

    TestApi user(String name) throws Exception {
        return new TestApi(cluster.apiUrl(), new AccountStore(zk).create(name, Plan.PRO, System.currentTimeMillis()));
    }

    KernelFaults faults(String slot) {
        return faults.get(slot);
    }

    JobRecord record(String id) throws Exception {
        return store.get(id).orElseThrow().value();
    }

    Slot slot(String name) {
        return cluster.controller().slots().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** Disables or enables a slot in Helix and waits until it holds weights again (or has let them go). */
    void setEnabled(String name, boolean enabled) throws Exception {
        admin.setSlotEnabled(admin.slot(name).orElseThrow(), enabled);
        await(Duration.ofSeconds(30), "slot " + name + (enabled ? " serving" : " disabled"),
                () -> slot(name).enabled() == enabled && (slot(name).version() != null) == enabled);
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(25);
        }
    }

    List<String> slotNames() {
        return List.of(slotA, slotB);
    }

    @Override
    public void close() {
        faults.values().forEach(KernelFaults::heal);
        admin.close();
        zk.close();
        participant.close();
        cluster.close();
    }
}
