package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.controller.helix.SlotAdmin;
import dev.imagine.controller.slurm.ReconcilePass;
import dev.imagine.controller.slurm.SlotEviction;
import dev.imagine.controller.slurm.SlurmNaming;
import dev.imagine.controller.slurm.SlurmReconciler;
import dev.imagine.controller.slurm.PoolDrainer;
import dev.imagine.controller.slurm.PoolScaler.ScaleResult;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.ops.local.LocalCluster;
import dev.imagine.ops.local.LocalClusterConfig;
import dev.imagine.slurm.LocalSlurm;
import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmClients;
import dev.imagine.slurm.SlurmEndpoint;
import dev.imagine.slurm.SlurmException;
import dev.imagine.slurm.SlurmJob;
import dev.imagine.slurm.SlurmJobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.helix.model.InstanceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU pools on a real Slurm (slurmctld + slurmd + slurmrestd, fake GPUs): participants run as Slurm jobs
 * and the controller's reconciler keeps Helix in step. One system for the whole class, in order: scale
 * up, a participant no Slurm job hosts, a drained Slurm node, Slurm down, a Slurm job cancelled under a running job, drain. The participants use the SMALL preset
 * so that a 40-step job is still running when its Slurm job is cancelled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmPoolTest {
    static final String POOL = "gpu";

    @TempDir
    static Path var;
    static SlurmEndpoint endpoint;
    static SlurmClient slurm;
    static LocalCluster cluster;
    static SlotAdmin helix;
    static CuratorFramework zk;
    static TestApi api;

    @BeforeAll
    static void startSystemOnSlurm() throws Exception {
        endpoint = LocalSlurm.endpoint();
        slurm = SlurmClients.connect(endpoint);
        cancelLeftovers();
        cluster = new LocalCluster(new LocalClusterConfig(var, 0, "127.0.0.1", 0, 0, 1, ModelPreset.SMALL, "v8",
                Duration.ofSeconds(3)).withSlurm(endpoint, POOL)).start();
        helix = new SlotAdmin(cluster.zkAddress(), LocalClusterConfig.CLUSTER);
        zk = ZkClients.connect(cluster.zkAddress(), Duration.ofSeconds(10));
        api = new TestApi(cluster.apiUrl(), cluster.devApiKey());
    }

    @AfterAll
    static void stop() throws Exception {
        if (helix != null) {
            helix.close();
        }
        if (zk != null) {
            zk.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (slurm != null) {
            cancelLeftovers();
        }
    }

    private static void cancelLeftovers() {
        for (SlurmJob job : slurm.jobs()) {
            if (job.state().isActive() && SlurmNaming.poolOf(LocalClusterConfig.CLUSTER, job.name()).isPresent()) {
                slurm.cancel(job.id());
            }
        }
    }

    @Test
    @Order(1)
    void scalingToTwoSlotsRunsTwoSlurmJobsWhoseParticipantsServeAJob() throws Exception {
        long start = System.nanoTime();
        List<String> progress = new ArrayList<>();
        ScaleResult scaled = cluster.slurmParticipants().scaler().scale(POOL, 2, Duration.ofSeconds(120), progress::add);
        long readyMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(scaled.submitted()).hasSize(2);
        assertThat(progress).anyMatch(l -> l.startsWith("Submitted Slurm job")).contains("2/2 slot(s) of pool gpu ready");
        for (long id : scaled.submitted()) {
            assertThat(slurm.job(id).orElseThrow().state()).isEqualTo(SlurmJobState.RUNNING);
            InstanceConfig config = instance(SlurmNaming.instance(id));
            assertThat(config.getRecord().getSimpleField(SlurmNaming.JOB_ID)).isEqualTo(Long.toString(id));
            assertThat(config.getRecord().getSimpleField(SlurmNaming.SLOT_DEVICES))
                    .matches("gpu_slurm-" + id + "_0=\\d");
            assertThat(config.getTags()).containsExactly(POOL);
        }
        assertThat(helix.liveInstances()).containsAll(scaled.submitted().stream().map(SlurmNaming::instance).toList());

        String id = api.submit("a red fox in snow --q 0.25 --seed 11");
        JsonNode done = api.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60));
        long servedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("worker").asText()).startsWith("slurm-");
        System.out.printf("slurm scale-up: 2 slots ready %d ms after scale, first job served %d ms after scale%n",
                readyMillis, servedMillis);
    }

    @Test
    @Order(2)
    void participantWithoutASlurmJobInASlurmPoolIsReportedAndLeftAlone() throws Exception {
        try (ClusterSetup setup = new ClusterSetup(cluster.zkAddress(), LocalClusterConfig.CLUSTER)) {
            setup.ensureInstance("hand-started-1", "localhost", 0, POOL);
        }
        JobStore store = new JobStore(zk);
        try {
            ReconcilePass pass = new SlurmReconciler(slurm, helix, new SlotEviction(helix, store, Clock.systemUTC()),
                    Clock.systemUTC()).reconcileOnce();

            assertThat(pass.unmanaged()).containsExactly("hand-started-1");
            assertThat(pass.evicted()).isEmpty();
            assertThat(helix.instances()).extracting(InstanceConfig::getInstanceName).contains("hand-started-1");
        } finally {
            helix.dropInstance("hand-started-1");
        }
    }

    @Test
    @Order(3)
    void drainedSlurmNodeDisablesItsParticipantsUntilItIsResumed() throws Exception {
        String node = slurm.nodes().getFirst().name();
        List<String> participants = helix.instances().stream().map(InstanceConfig::getInstanceName)
                .filter(SlurmNaming::isSlurmInstance).toList();
        assertThat(participants).hasSize(2);

        long drainedAt = System.nanoTime();
        LocalSlurm.scontrol("update", "nodename=" + node, "state=drain", "reason=imagine-test");
        try {
            await(() -> participants.stream().allMatch(p -> !instance(p).getInstanceEnabled()),
                    Duration.ofSeconds(20), "participants still enabled on drained node " + node);
            long disableMillis = (System.nanoTime() - drainedAt) / 1_000_000;
            assertThat(instance(participants.getFirst()).getInstanceDisabledReason())
                    .startsWith(SlurmNaming.NODE_DISABLE_PREFIX + node + " is ").contains("DRAIN");
            await(() -> cluster.controller().slots().stream().filter(s -> s.pool().equals(POOL))
                    .allMatch(s -> s.version() == null), Duration.ofSeconds(20), "slots still hold a model");
            System.out.printf("slurm reconcile: node %s drained -> its participants disabled in Helix in %d ms%n",
                    node, disableMillis);
        } finally {
            LocalSlurm.scontrol("update", "nodename=" + node, "state=resume");
        }
        await(() -> participants.stream().allMatch(p -> instance(p).getInstanceEnabled()), Duration.ofSeconds(20),
                "participants not re-enabled after resume");
        cluster.awaitReady(2, Duration.ofSeconds(30));
    }

    @Test
    @Order(4)
    void slurmrestdDownGivesClearErrorsAndChangesNothingInHelix() throws Exception {
        Map<String, Object> before = helixSnapshot();
        SlurmClient down = SlurmClients.connect(new SlurmEndpoint("http://127.0.0.1:1", endpoint.token(), "root"));
        JobStore store = new JobStore(zk);

        ReconcilePass pass = new SlurmReconciler(down, helix, new SlotEviction(helix, store, Clock.systemUTC()),
                Clock.systemUTC()).reconcileOnce();
        assertThat(pass.slurmError()).startsWith("Couldn't reach slurmrestd at http://127.0.0.1:1");
        assertThat(pass.changedHelix()).isFalse();

        CliRun cli = CliRun.run("partitions", "scale", POOL, "--slots", "3", "--zk", cluster.zkAddress(),
                "--slurm", "http://127.0.0.1:1", "--slurm-token-file", tokenFile().toString());
        assertThat(cli.exitCode()).isEqualTo(4);
        assertThat(cli.err().strip()).doesNotContain("\n").isEqualTo("error: Couldn't reach slurmrestd at "
                + "http://127.0.0.1:1 to list partitions (connection refused); is it running? "
                + "(ops/slurm/local-slurm start, or systemctl start slurmrestd)");
        PoolDrainer downDrainer = new PoolDrainer(down, helix, store, new SlotEviction(helix, store, Clock.systemUTC()));
        assertThatThrownBy(() -> downDrainer.drain(POOL, Duration.ofSeconds(1), l -> { }))
                .isInstanceOf(SlurmException.Unreachable.class);
        Thread.sleep(1_500); // a few passes of the real reconciler too
        assertThat(helixSnapshot()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void scancelOfOneSlurmJobTakesItsSlotsOutOfHelixAndItsJobCompletesElsewhere() throws Exception {
        String id = api.submit("a red fox in snow --q 2 --seed 12");
        JsonNode running = awaitProgress(id, 2);
        String victim = running.path("worker").asText();
        long slurmJob = Long.parseLong(instance(victim).getRecord().getSimpleField(SlurmNaming.JOB_ID));

        long cancelledAt = System.nanoTime();
        slurm.cancel(slurmJob);
        await(() -> helix.instances().stream().noneMatch(c -> c.getInstanceName().equals(victim))
                && helix.slotsOf(victim).isEmpty(), Duration.ofSeconds(30), victim + " still in Helix");
        long reconcileMillis = (System.nanoTime() - cancelledAt) / 1_000_000;

        JsonNode done = api.awaitState(id, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(120));
        assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(done.path("worker").asText()).isNotEqualTo(victim).startsWith("slurm-");
        assertThat(done.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(slurm.job(slurmJob).orElseThrow().state().hasEnded()).isTrue();
        System.out.printf("slurm reconcile: scancel of job %d -> %s out of Helix in %d ms; job %s completed on %s%n",
                slurmJob, victim, reconcileMillis, id, done.path("worker").asText());
    }

    @Test
    @Order(6)
    void drainCancelsTheSlurmJobsEmptiesHelixAndLosesNoJob() throws Exception {
        cluster.slurmParticipants().scaler().scale(POOL, 2, Duration.ofSeconds(120), l -> { });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(api.submit("a lighthouse at dusk --q 0.5 --seed " + (20 + i)));
        }
        List<Long> slurmJobs = slurm.jobs().stream()
                .filter(j -> j.state().isActive() && SlurmNaming.jobName(LocalClusterConfig.CLUSTER, POOL).equals(j.name()))
                .map(SlurmJob::id).toList();
        assertThat(slurmJobs).hasSize(2);

        CliRun cli = CliRun.run("partitions", "drain", POOL, "--zk", cluster.zkAddress(), "--slurm", endpoint.url(),
                "--slurm-token-file", tokenFile().toString(), "--timeout", "PT60S");

        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Disabled 2 participant(s) of pool gpu")
                .contains("Cancelled 2 Slurm job(s)").containsPattern("Drained pool gpu in [\\d.]+ s");
        for (long job : slurmJobs) {
            assertThat(slurm.job(job).orElseThrow().state()).isIn(SlurmJobState.CANCELLED, SlurmJobState.COMPLETING);
        }
        assertThat(helix.instances()).noneMatch(c -> c.getRecord().getSimpleField(SlurmNaming.JOB_ID) != null);
        assertThat(helix.idealState(POOL).orElseThrow().getPartitionSet()).isEmpty();
        JobStore store = new JobStore(zk);
        List<String> queued = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            store.laneEntries(lane).forEach(e -> queued.add(e.jobId()));
        }
        for (String id : ids) {
            String state = api.job(id).path("state").asText();
            assertThat(state).as("job %s", id).isIn("COMPLETED", "QUEUED");
            if (state.equals("QUEUED")) {
                assertThat(queued).as("job %s is back in its lane", id).contains(id);
            }
        }
    }

    private static Path tokenFile() throws Exception {
        Path file = var.resolve("jwt.token");
        if (!Files.exists(file)) {
            Files.writeString(file, endpoint.token());
        }
        return file;
    }

    private static InstanceConfig instance(String name) {
        return helix.instances().stream().filter(c -> c.getInstanceName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Helix instance " + name));
    }

    private static Map<String, Object> helixSnapshot() {
        Map<String, Object> snapshot = new TreeMap<>();
        helix.instances().forEach(c -> snapshot.put("instance " + c.getInstanceName(),
                c.getInstanceEnabled() + " " + c.getRecord().getSimpleFields()));
        helix.pools().forEach(p -> snapshot.put("pool " + p, helix.idealState(p).map(is -> is.getRecord().getMapFields()).orElse(null)));
        snapshot.put("live", new java.util.TreeSet<>(helix.liveInstances()));
        return snapshot;
    }

    private static JsonNode awaitProgress(String id, int step) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = api.job(id);
            if (job.path("state").asText().equals("PROCESSING") && job.path("step").asInt() >= step) {
                return job;
            }
            assertThat(job.path("state").asText()).as("finished before it could be interrupted").isNotEqualTo("COMPLETED");
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " never reached step " + step);
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(25);
        }
    }
}
