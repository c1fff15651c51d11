package dev.imagine.slurm;

import dev.imagine.slurm.v0038.SlurmRestV0038;
import java.time.Duration;

/** Picks the adapter for a slurmrestd endpoint; today the only one is openapi/v0.0.38 (Slurm 22.05 here). */
public final class SlurmClients {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private SlurmClients() {
    }

    public static SlurmClient connect(SlurmEndpoint endpoint) {
        return new SlurmRestV0038(endpoint, DEFAULT_TIMEOUT);
    }
}
