package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobIds;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane far deeper than one ZooKeeper reply can list (about 28 K names fit in 1 MB): with 100 K jobs waiting in
 * Relax, dispatch goes on (a Fast job is served at once), the API still answers a Relax job's position, and the
 * lane's depth is reported.
 */
class DeepLaneTest {
    private static final int WAITING = 100_000;

    @TempDir
    Path var;

    @Test
    void aHundredThousandWaitingJobsStopNothing() throws Exception {
        try (SchedulerCluster system = new SchedulerCluster(var, 1, ModelPreset.TINY,
                SchedulerSettings.DEFAULTS.withMaxRelaxDepth(10 * WAITING))) {
            TestApi deb = system.user("deb", Plan.PRO);
            system.holdSlots();
            long start = System.nanoTime();
            // Entries as the API writes them (id with its time, version, user, sequence), a thousand per transaction;
            // their records are left out (the dispatcher reads a record only for a job it is about to hand out).
            long old = System.currentTimeMillis() - 2L * WAITING; // younger than Relax aging: they stay in their band
            List<CuratorOp> batch = new ArrayList<>();
            for (int i = 0; i < WAITING; i++) {
                String id = JobIds.next(old + i);
                String name = LaneEntry.prefix(id, "v8", "bulk", false) + String.format(Locale.ROOT, "%010d", i);
                batch.add(system.zk.transactionOp().create().forPath(ZkPaths.laneEntry(Lane.RELAX, id, name)));
                if (batch.size() == 1_000) {
                    system.zk.transaction().forOperations(batch);
                    batch.clear();
                }
            }
            System.out.printf("deep-lane: wrote %d entries in %d ms%n", WAITING, (System.nanoTime() - start) / 1_000_000);
            assertThat(new JobStore(system.zk).laneDepth(Lane.RELAX)).isEqualTo(WAITING);

            String relax = deb.submit("a patient snail --relax --seed 1");
            String fast = deb.submit("an impatient hare --fast --seed 2");
            long asked = System.nanoTime();
            JsonNode waiting = deb.job(relax);
            long positionMillis = (System.nanoTime() - asked) / 1_000_000;
            assertThat(waiting.path("state").asText()).isEqualTo("QUEUED");
            // Fair across users: behind bulk's oldest job only, not behind all of bulk's.
            assertThat(waiting.path("lanePosition").asInt()).isEqualTo(1);
            assertThat(deb.get("/v1/health").json().path("queued").path("relax").asInt()).isEqualTo(WAITING + 1);

            system.releaseSlots();
            long released = System.nanoTime();
            JsonNode done = deb.awaitState(fast, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60));
            assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
            System.out.printf("deep-lane: with %d waiting, a position took %d ms and a Fast job completed %d ms after "
                    + "the slot came back%n", WAITING, positionMillis, (System.nanoTime() - released) / 1_000_000);
        }
    }
}
