package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.ops.CliRun;
import org.junit.jupiter.api.Test;

/** {@code cluster status} against a running system, and against no system at all. */
class ClusterStatusCommandTest {

    @Test
    void showsZooKeeperLeadersPoolsSlotsAndLanes() throws Exception {
        String zk = CliSystem.zk();
        CliRun run = CliRun.run("cluster", "status", "--zk", zk);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("ZooKeeper   " + zk + " (connected)")
                .contains("controller leader controller-1")
                .contains("Dispatcher  leader controller-1")
                .containsPattern("cpu-local\\s+1\\s+1")
                .containsPattern("cpu-local_worker-1_0\\s+worker-1\\s+V8\\s+V8\\s+ready")
                .containsPattern("turbo\\s+\\d+").containsPattern("fast\\s+\\d+").containsPattern("relax\\s+\\d+");
    }

    @Test
    void jsonHasTheSameFacts() throws Exception {
        CliRun run = CliRun.run("cluster", "status", "--zk", CliSystem.zk(), "--json");

        JsonNode status = new ObjectMapper().readTree(run.out());
        assertThat(status.path("controllerLeader").asText()).isEqualTo("controller-1");
        assertThat(status.at("/pools/0/pool").asText()).isEqualTo("cpu-local");
        assertThat(status.at("/slots/0/health").asText()).isEqualTo("ready");
        assertThat(status.path("laneDepths").has("turbo")).isTrue();
    }

    @Test
    void noZooKeeperIsOneLineWithTheFix() {
        CliRun run = CliRun.run("cluster", "status", "--zk", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err().strip()).isEqualTo(
                "error: Couldn't reach ZooKeeper at 127.0.0.1:1; is `ops/imagine up` running, or is --zk right?");
    }

    @Test
    void unknownClusterSaysHowToStartOne() {
        CliRun run = CliRun.run("cluster", "status", "--zk", CliSystem.zk(), "--cluster", "nope");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("has no imagine cluster 'nope'; start one with `ops/imagine up`, or pass --cluster");
    }
}
