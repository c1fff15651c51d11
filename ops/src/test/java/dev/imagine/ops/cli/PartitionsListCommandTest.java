package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.ops.CliRun;
import dev.imagine.slurm.LocalSlurm;
import dev.imagine.slurm.SlurmEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code partitions list}: Slurm partitions (real Slurm) joined with Helix pools. */
class PartitionsListCommandTest {
    @TempDir
    Path dir;

    @Test
    void joinsTheSlurmPartitionWithTheHelixPools() throws Exception {
        SlurmEndpoint slurm = LocalSlurm.endpoint();
        Path token = Files.writeString(dir.resolve("token"), slurm.token());

        CliRun run = CliRun.run("partitions", "list", "--zk", CliSystem.zk(), "--slurm", slurm.url(),
                "--slurm-token-file", token.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("cpu-local\\s+\\(not a Slurm partition\\)\\s+-\\s+0\\s+0\\s+1\\s+1")
                .containsPattern("gpu\\s+UP\\s+\\S+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+");
        JsonNode json = new ObjectMapper().readTree(CliRun.run("partitions", "list", "--zk", CliSystem.zk(), "--slurm",
                slurm.url(), "--slurm-token-file", token.toString(), "--json").out());
        assertThat(json).extracting(p -> p.path("pool").asText()).contains("cpu-local", "gpu");
    }

    @Test
    void withoutSlurmShowsHelixPoolsAndSaysHowToAddSlurm() throws Exception {
        CliRun run = CliRun.run("partitions", "list", "--zk", CliSystem.zk());

        assertThat(run.exitCode()).as(run.err()).isZero();
        if (System.getenv(SlurmEndpoint.URL_ENV) == null) {
            assertThat(run.out()).contains("(no Slurm configured: pass --slurm <url> or set IMAGINE_SLURM_URL");
        }
        assertThat(run.out()).contains("cpu-local");
    }
}
