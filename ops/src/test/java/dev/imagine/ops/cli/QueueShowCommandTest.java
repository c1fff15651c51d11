package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.core.job.Lane;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.ops.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code queue show}: lanes in dispatch order, re-queued entries first. */
class QueueShowCommandTest {
    @TempDir
    static Path dir;
    static ZkOnly zk;

    @BeforeAll
    static void queueJobs() throws Exception {
        zk = new ZkOnly(dir, ModelRegistry.versions());
        zk.submit("q-1", Lane.FAST, "v8");
        zk.submit("q-2", Lane.FAST, "v6");
        zk.submit("q-3", Lane.RELAX, "v8");
        zk.dispatch("q-1", "cpu-local_w_0");
        zk.store.requeue(zk.store.get("q-1").orElseThrow(), "test", System.currentTimeMillis());
    }

    @AfterAll
    static void stop() {
        zk.close();
    }

    @Test
    void showsEachLaneWithItsEntriesInDispatchOrder() {
        CliRun run = CliRun.run("queue", "show", "--zk", zk.zk());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("turbo: 0 queued").contains("fast: 2 queued").contains("relax: 1 queued");
        assertThat(run.out()).containsPattern("(?s)q-1\\s+v8\\s+[\\d.]+ s\\s+tester\\s+re-queued \\(front\\).*q-2\\s+v6");
    }

    @Test
    void jsonAndLimit() throws Exception {
        CliRun run = CliRun.run("queue", "show", "--zk", zk.zk(), "--limit", "1", "--json");

        JsonNode fast = new ObjectMapper().readTree(run.out()).get(1);
        assertThat(fast.path("lane").asText()).isEqualTo("fast");
        assertThat(fast.path("depth").asInt()).isEqualTo(2);
        assertThat(fast.path("first")).hasSize(1);
        assertThat(fast.at("/first/0/requeued").asBoolean()).isTrue();
    }
}
