package dev.imagine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The quick soak, as CI runs it: participants in their own JVMs killed and replaced, workers stopped past their
 * sessions, a controller failover, all while jobs are submitted; nothing lost, duplicated or different from a
 * clean render.
 */
class SoakCommandTest {
    @Test
    void theQuickSoakLosesNothingDuplicatesNothingAndRendersTrue() {
        CliRun run = CliRun.run("soak", "--quick");
        System.out.print(run.out());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("lost=0").contains("duplicated=0").contains("mismatched=0")
                .containsPattern("kills=[1-9]").containsPattern("stalls=[1-9]").contains("failovers=1");
    }
}
