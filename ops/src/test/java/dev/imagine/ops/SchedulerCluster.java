package dev.imagine.ops;

import dev.imagine.controller.SchedulerSettings;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.core.account.Account;
import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.Json;
import dev.imagine.core.zk.Versioned;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.participant.faults.FaultInjectingOps;
import dev.imagine.participant.faults.KernelFaults;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * A real local system (ZooKeeper, Helix controller and dispatcher, participants, API) for the scheduler's
 * tests, with helpers to make users, hold the slots (jobs then wait) and read accounts as ZooKeeper has them.
 */
final class SchedulerCluster implements AutoCloseable {
    final LocalCluster cluster;
    final CuratorFramework zk;
    final AccountStore accounts;
    private final SlotAdmin slots;

    SchedulerCluster(Path var, int slots, ModelPreset preset, SchedulerSettings settings) throws Exception {
        this(var, slots, preset, settings, new KernelFaults());
    }

    /** With {@code faults} on every slot's kernels (e.g. slowed so that a job is surely mid-run when a test acts). */
    SchedulerCluster(Path var, int slots, ModelPreset preset, SchedulerSettings settings, KernelFaults faults)
            throws Exception {
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 1, slots, preset, "v8",
                Duration.ofSeconds(3))).withScheduler(settings)
                .withKernels((slot, ops) -> new FaultInjectingOps(ops, faults)).start();
        cluster.awaitReady(slots, Duration.ofSeconds(60));
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
        accounts = new AccountStore(zk);
        this.slots = new SlotAdmin(cluster.zkAddress(), LocalClusterConfig.CLUSTER);
    }

    /** A new user on {@code plan}; the API as that user. */
    TestApi user(String name, Plan plan) throws Exception {
        return new TestApi(cluster.apiUrl(), accounts.create(name, plan, System.currentTimeMillis()));
    }

    TestApi anonymous() {
        return new TestApi(cluster.apiUrl(), null);
    }

    Account account(String name) throws Exception {
        return accounts.require(name).value();
    }

    /** Spends the user's whole Fast allowance for this month, as if their jobs had. */
    void exhaustFastTime(String name) throws Exception {
        Versioned<Account> current = accounts.require(name);
        Account spent = current.value().charged(current.value().plan().fastMillisPerMonth(), System.currentTimeMillis());
        zk.setData().withVersion(current.version()).forPath(ZkPaths.user(name), Json.write(spent));
    }

    /** Disables every slot (they unload); submitted jobs then wait in their lanes. */
    void holdSlots() throws Exception {
        setSlots(false, null);
    }

    /** Enables the slots again and waits until they hold a version: waiting jobs then start. */
    void releaseSlots() throws Exception {
        setSlots(true, "V8");
    }

    private void setSlots(boolean enabled, String awaitState) throws Exception {
        for (var participant : cluster.participants()) {
            for (SlotAdmin.SlotRef slot : slots.slotsOf(participant.instance())) {
                slots.setSlotEnabled(slot, enabled);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = cluster.controller().slots().stream()
                    .allMatch(s -> s.enabled() == enabled && (awaitState == null || awaitState.equals(s.state())));
            if (done) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("slots never became " + (enabled ? "enabled" : "disabled") + ": " + cluster.controller().slots());
    }

    @Override
    public void close() {
        slots.close();
        zk.close();
        cluster.close();
    }
}
