package dev.imagine.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Slurm the integration tests run against: the one named by {@code IMAGINE_SLURM_URL} and
 * {@code IMAGINE_SLURM_TOKEN_FILE} (.ci/run starts it), or else one this JVM starts with
 * {@code ops/slurm/local-slurm start} and stops when it exits. Without either, and not root (starting
 * Slurm's daemons needs root), the test is skipped, saying why.
 */
public final class LocalSlurm {
    private static SlurmEndpoint endpoint;

    private LocalSlurm() {
    }

    public static synchronized SlurmEndpoint endpoint() throws IOException, InterruptedException {
        if (endpoint == null) {
            Map<String, String> env = System.getenv();
            if (env.get(SlurmEndpoint.URL_ENV) == null) {
                Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                        "no " + SlurmEndpoint.URL_ENV + " and not root: cannot start a local Slurm");
                env = start();
            }
            endpoint = SlurmEndpoint.resolve(null, null, env);
        }
        return endpoint;
    }

    public static SlurmClient client() throws IOException, InterruptedException {
        return SlurmClients.connect(endpoint());
    }

    /**
     * Runs {@code scontrol} against the local Slurm (for what slurmrestd v0.0.38 cannot do, such as
     * draining a node); skips the test when the Slurm in use is not one local-slurm configured.
     */
    public static String scontrol(String... args) throws IOException, InterruptedException {
        endpoint();
        Path conf = Path.of(System.getenv().getOrDefault("IMAGINE_SLURM_DIR", "/tmp/imagine-slurm"), "etc", "slurm.conf");
        Assumptions.assumeTrue(Files.exists(conf), "no local-slurm config at " + conf);
        List<String> command = new ArrayList<>(List.of("scontrol"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SLURM_CONF", conf.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("scontrol " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private static Map<String, String> start() throws IOException, InterruptedException {
        Path script = script();
        Process process = new ProcessBuilder(script.toString(), "start").redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(script + " start failed: " + err);
        }
        if (!err.contains("already running")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(script)));
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        out.lines().filter(l -> l.startsWith("IMAGINE_SLURM_")).forEach(l -> {
            int eq = l.indexOf('=');
            env.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return env;
    }

    private static void stop(Path script) {
        try {
            new ProcessBuilder(script.toString(), "stop").inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            System.err.println("local-slurm stop failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("ops/slurm/local-slurm");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("ops/slurm/local-slurm not found above " + Path.of("").toAbsolutePath());
    }
}
