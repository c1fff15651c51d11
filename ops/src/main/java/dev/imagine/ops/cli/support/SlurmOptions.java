package dev.imagine.ops.cli.support;

import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmClients;
import dev.imagine.slurm.SlurmEndpoint;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** slurmrestd and its JWT, from flags or IMAGINE_SLURM_URL / IMAGINE_SLURM_TOKEN_FILE. */
public final class SlurmOptions {
    @Option(names = "--slurm", paramLabel = "<url>", description = "slurmrestd URL (env IMAGINE_SLURM_URL).")
    public String url;

    @Option(names = "--slurm-token-file", paramLabel = "<path>",
            description = "File holding the Slurm JWT (env IMAGINE_SLURM_TOKEN_FILE; `scontrol token` makes one).")
    public Path tokenFile;

    public boolean isConfigured() {
        return url != null || System.getenv(SlurmEndpoint.URL_ENV) != null;
    }

    public SlurmEndpoint endpoint() {
        return SlurmEndpoint.resolve(url, tokenFile, System.getenv());
    }

    public SlurmClient client() {
        return SlurmClients.connect(endpoint());
    }
}
