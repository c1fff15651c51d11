package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.controller.SchedulerSettings;
import dev.imagine.core.account.Plan;
import dev.imagine.core.job.JobIds;
import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.Quarantine;
import dev.imagine.core.zk.ZkPaths;
import dev.imagine.kernels.ModelPreset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One malformed lane entry or unreadable job record stops nothing: it is quarantined, reported, and dispatch goes on. */
class QuarantineTest {
    @TempDir
    Path var;

    @Test
    void aMalformedEntryAndAnUnreadableRecordAreQuarantinedAndDispatchGoesOn() throws Exception {
        try (SchedulerCluster system = new SchedulerCluster(var, 1, ModelPreset.TINY, SchedulerSettings.DEFAULTS)) {
            TestApi quinn = system.user("quinn", Plan.PRO);
            system.holdSlots();
            // An entry whose name is not ours, and an older job whose record is not JSON: both first in line.
            system.zk.create().forPath(ZkPaths.laneBucket(Lane.TURBO, "b00") + "/garbage");
            String bad = JobIds.next(System.currentTimeMillis() - 60_000);
            system.zk.create().forPath(ZkPaths.job(bad), "{not json".getBytes(StandardCharsets.UTF_8));
            String badEntry = LaneEntry.prefix(bad, "v8", "quinn", false) + "0000000001";
            system.zk.create().forPath(ZkPaths.laneEntry(Lane.FAST, bad, badEntry));
            String good = quinn.submit("a red fox --seed 1");

            system.releaseSlots();

            assertThat(quinn.awaitState(good, Set.of("COMPLETED", "FAILED"), Duration.ofSeconds(60)).path("state").asText())
                    .isEqualTo("COMPLETED");
            assertThat(new Quarantine(system.zk).names())
                    .containsExactlyInAnyOrder("lane-turbo-garbage", "job-" + bad);
            assertThat(system.zk.getChildren().forPath(ZkPaths.laneBucket(Lane.TURBO, "b00"))).isEmpty();
            assertThat(system.zk.checkExists().forPath(ZkPaths.job(bad))).isNull();
            assertThat(quinn.get("/v1/jobs/" + bad).status()).isEqualTo(404);
        }
    }
}
