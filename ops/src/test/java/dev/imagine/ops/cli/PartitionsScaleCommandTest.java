package dev.imagine.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.ops.CliRun;
import dev.imagine.slurm.LocalSlurm;
import dev.imagine.slurm.SlurmClients;
import dev.imagine.slurm.SlurmEndpoint;
import dev.imagine.slurm.SlurmJobState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code partitions scale}: up to one Slurm-hosted slot with progress, back down to none. */
class PartitionsScaleCommandTest {
    @TempDir
    Path dir;

    @Test
    void scalesUpWithProgressThenBackToZero() throws Exception {
        SlurmEndpoint slurm = LocalSlurm.endpoint();
        Path token = Files.writeString(dir.resolve("token"), slurm.token());
        String[] common = {"--zk", CliSystem.zk(), "--slurm", slurm.url(), "--slurm-token-file", token.toString(),
                "--preset", "tiny", "--image-dir", dir.resolve("images").toString(), "--work-dir", dir.resolve("slurm").toString()};

        CliRun up = CliRun.run(concat(new String[] {"partitions", "scale", "gpu", "--slots", "1"}, common));

        assertThat(up.exitCode()).as(up.err()).isZero();
        Matcher submitted = Pattern.compile("Submitted Slurm job (\\d+) to partition gpu \\(1 of 1\\)").matcher(up.out());
        assertThat(submitted.find()).as(up.out()).isTrue();
        assertThat(up.out()).contains("1/1 slot(s) of pool gpu ready").containsPattern(
                "Scaled pool gpu to 1 slot\\(s\\): submitted Slurm jobs \\[\\d+\\], released \\[\\]; 1 slot\\(s\\) ready after [\\d.]+ s");
        long job = Long.parseLong(submitted.group(1));

        CliRun down = CliRun.run(concat(new String[] {"partitions", "scale", "gpu", "--slots", "0"}, common));

        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(down.out()).contains("released [" + job + "]");
        assertThat(SlurmClients.connect(slurm).job(job).orElseThrow().state().hasEnded()).isTrue();
        assertThat(SlurmClients.connect(slurm).job(job).orElseThrow().state()).isNotEqualTo(SlurmJobState.RUNNING);
    }

    @Test
    void unknownPartitionNamesTheOnesThereAre() throws Exception {
        SlurmEndpoint slurm = LocalSlurm.endpoint();
        Path token = Files.writeString(dir.resolve("token"), slurm.token());

        CliRun run = CliRun.run("partitions", "scale", "a100", "--slots", "1", "--zk", CliSystem.zk(), "--slurm", slurm.url(),
                "--slurm-token-file", token.toString());

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.err()).contains("has no partition 'a100'; a GPU pool is a Slurm partition of the same name (partitions: [gpu])");
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
