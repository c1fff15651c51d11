package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.ops.CliRun;
import dev.imagine.slurm.LocalSlurm;
import dev.imagine.slurm.SlurmEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partitions drain}: the quick cases here; draining running participants (Slurm jobs cancelled,
 * Helix empty, no job lost) is {@code SlurmPoolTest.drainCancelsTheSlurmJobsEmptiesHelixAndLosesNoJob}.
 */
class PartitionsDrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void drainingAnEmptyPoolSaysSo() throws Exception {
        SlurmEndpoint slurm = LocalSlurm.endpoint();
        Path token = Files.writeString(dir.resolve("token"), slurm.token());

        CliRun run = CliRun.run("partitions", "drain", "gpu", "--zk", CliSystem.zk(), "--slurm", slurm.url(),
                "--slurm-token-file", token.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Disabled 0 participant(s) of pool gpu")
                .containsPattern("Drained pool gpu in [\\d.]+ s: cancelled Slurm jobs \\[\\], 0 participant\\(s\\) left Helix, 0 job\\(s\\) re-queued");
    }

    @Test
    void aRefusedTokenIsOneLineSayingHowToRenewIt() throws Exception {
        SlurmEndpoint slurm = LocalSlurm.endpoint();
        Path token = Files.writeString(dir.resolve("token"), "x" + slurm.token());

        CliRun run = CliRun.run("partitions", "drain", "gpu", "--zk", CliSystem.zk(), "--slurm", slurm.url(),
                "--slurm-token-file", token.toString());

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.err().strip()).doesNotContain("\n").contains("refused the JWT for user root")
                .contains("renew it with scontrol token username=root lifespan=86400");
    }
}
