package dev.imagine.ops.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the API key for the CLI's REST calls: the option or env var, else the development key of `up`. */
final class ApiKeyFile {
    private ApiKeyFile() {
    }

    static String resolve(String given) throws IOException {
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        String home = System.getenv("IMAGINE_HOME");
        for (Path candidate : new Path[] {Path.of("var", "dev-api-key"),
                home == null ? null : Path.of(home, "var", "dev-api-key")}) {
            if (candidate != null && Files.isReadable(candidate)) {
                return Files.readString(candidate).trim();
            }
        }
        throw new CliException("no API key: pass --api-key or set IMAGINE_API_KEY (`ops/imagine up` writes a development key "
                + "to var/dev-api-key; `ops/imagine users add NAME --plan pro` makes one)", 2);
    }
}
