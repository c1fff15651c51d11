package dev.imagine.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated v0.0.38 client behind {@link SlurmClient}, against a real slurmctld + slurmrestd. */
class SlurmRestV0038Test {
    static SlurmEndpoint endpoint;
    static SlurmClient slurm;

    @TempDir
    Path work;

    @BeforeAll
    static void connect() throws Exception {
        endpoint = LocalSlurm.endpoint();
        slurm = SlurmClients.connect(endpoint);
    }

    @Test
    void pingAnswersWithTheSlurmRelease() {
        assertThat(slurm.ping()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void partitionAndNodeShowTheFakeGpus() {
        assertThat(slurm.partitions()).extracting(SlurmPartition::name).contains("gpu");
        assertThat(slurm.nodes()).isNotEmpty().allSatisfy(node -> {
            assertThat(node.gres()).startsWith("gpu:");
            assertThat(node.isUnavailable()).as(node.describeState()).isFalse();
        });
    }

    @Test
    void submittedJobRunsWithItsEnvironmentAndOneGpuThenCancels() throws Exception {
        Path marker = work.resolve("seen");
        long id = slurm.submit(new SlurmJobRequest("imagine.test.bridge", "gpu",
                "#!/bin/bash\necho \"$IMAGINE_GREETING gpu=$CUDA_VISIBLE_DEVICES\" > " + marker + "\nexec sleep 300\n",
                Map.of("IMAGINE_GREETING", "hello", "PATH", "/usr/bin:/bin"), "gpu:1", 1, 256, work, "bridge test"));

        SlurmJob running = await(id, j -> j.state() == SlurmJobState.RUNNING);
        assertThat(running.name()).isEqualTo("imagine.test.bridge");
        assertThat(running.partition()).isEqualTo("gpu");
        awaitFile(marker);
        assertThat(Files.readString(marker).strip()).matches("hello gpu=\\d");
        assertThat(slurm.jobs()).extracting(SlurmJob::id).contains(id);

        slurm.cancel(id);
        assertThat(await(id, j -> !j.state().isActive() && j.state() != SlurmJobState.COMPLETING).state())
                .isEqualTo(SlurmJobState.CANCELLED);
        slurm.cancel(id); // an ended job: not an error
    }

    @Test
    void unknownJobIsEmptyAndCancellingItSaysSlurmDoesNotKnowIt() {
        assertThat(slurm.job(987_654_321L)).isEmpty();
        assertThatThrownBy(() -> slurm.cancel(987_654_321L))
                .isInstanceOf(SlurmException.JobNotFound.class)
                .hasMessageContaining("does not know job 987654321");
    }

    @Test
    void missingTokenIsUnauthorizedAndSaysHowToGetOne() {
        SlurmClient anonymous = SlurmClients.connect(new SlurmEndpoint(endpoint.url(), "", "root"));
        assertThatThrownBy(anonymous::ping)
                .isInstanceOf(SlurmException.Unauthorized.class)
                .hasMessageContaining("HTTP 401, none was sent")
                .hasMessageContaining("scontrol token");
    }

    @Test
    void badTokenIsUnauthorizedNotAServerErrorAndIsNeverPrinted() {
        String forged = "x" + endpoint.token();
        SlurmClient forgedClient = SlurmClients.connect(new SlurmEndpoint(endpoint.url(), forged, "root"));
        assertThatThrownBy(forgedClient::ping)
                .isInstanceOf(SlurmException.Unauthorized.class)
                .hasMessageContaining("refused the JWT for user root")
                .hasMessageContaining("wrong or expired")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(forged));
        assertThat(new SlurmEndpoint(endpoint.url(), forged, "root").toString()).doesNotContain(forged);
    }

    @Test
    void badTokenIsUnauthorizedOnEveryEndpointWhateverBodySlurmrestdSends() {
        SlurmClient forged = SlurmClients.connect(new SlurmEndpoint(endpoint.url(), "x" + endpoint.token(), "root"));
        List<ThrowingCallable> calls = List.of(forged::ping, forged::jobs, forged::nodes, forged::partitions,
                () -> forged.job(1), () -> forged.cancel(1), () -> forged.submit(new SlurmJobRequest("imagine.test.forged",
                        "gpu", "#!/bin/sh\ntrue\n", Map.of("PATH", "/bin"), null, 1, 64, work, "forged")));
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(SlurmException.Unauthorized.class)
                    .hasMessageContaining("refused the JWT for user root");
        }
    }

    @Test
    void downSlurmrestdSaysIsItRunning() {
        SlurmClient nowhere = SlurmClients.connect(new SlurmEndpoint("http://127.0.0.1:1", endpoint.token(), "root"));
        assertThatThrownBy(nowhere::partitions)
                .isInstanceOf(SlurmException.Unreachable.class)
                .hasMessage("Couldn't reach slurmrestd at http://127.0.0.1:1 to list partitions (connection refused); "
                        + "is it running? (ops/slurm/local-slurm start, or systemctl start slurmrestd)");
    }

    @Test
    void tokenUserComesFromTheJwtClaim() {
        assertThat(endpoint.user()).isEqualTo("root");
    }

    private static SlurmJob await(long id, Predicate<SlurmJob> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SlurmJob last = null;
        while (System.nanoTime() < deadline) {
            last = slurm.job(id).orElse(null);
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Slurm job " + id + " never got there; last seen " + last);
    }

    private static void awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && (!Files.exists(file) || Files.size(file) == 0)) {
            Thread.sleep(50);
        }
    }
}
