package dev.imagine.ops.cli;

import dev.imagine.controller.helix.ClusterSetup;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobSpec;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.ZkClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import org.apache.curator.framework.CuratorFramework;

/**
 * A real ZooKeeper with a Helix cluster but no controller and no participants: jobs stay exactly where a
 * test puts them (queued, dispatched), so the job and queue commands can be checked deterministically.
 */
final class ZkOnly implements AutoCloseable {
    static final String CLUSTER = "imagine-cluster";

    final EmbeddedZooKeeper server;
    final CuratorFramework client;
    final JobStore store;

    ZkOnly(Path dir, Collection<String> versions) throws Exception {
        server = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
        try (ClusterSetup setup = new ClusterSetup(server.connectString(), CLUSTER)) {
            setup.ensureCluster(versions);
        }
        client = ZkClients.connect(server.connectString(), Duration.ofSeconds(5));
        store = new JobStore(client);
        store.ensureLayout();
    }

    String zk() {
        return server.connectString();
    }

    JobRecord submit(String id, Lane lane, String version) throws Exception {
        JobRecord job = JobRecord.queued(id, "tester", new JobSpec("a fox " + id, "", version, 1, 1, 7, 1, 100, 0, lane),
                System.currentTimeMillis());
        store.submit(job);
        return job;
    }

    /** What the dispatcher does: the job's lane entry out, an assignment to {@code slot} in, DISPATCHED. */
    void dispatch(String id, String slot) throws Exception {
        var job = store.get(id).orElseThrow();
        LaneEntry entry = store.laneEntries(job.value().spec().lane()).stream()
                .filter(e -> e.jobId().equals(id)).findFirst().orElseThrow();
        if (!store.dispatch(entry, job, slot, System.currentTimeMillis())) {
            throw new IllegalStateException("dispatch of " + id + " lost a race");
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
