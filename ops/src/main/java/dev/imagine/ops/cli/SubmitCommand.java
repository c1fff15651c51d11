package dev.imagine.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imagine submit "<prompt>"}: submit, print the id at once, follow progress, save the grid. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a prompt, follow it to COMPLETED and save the 2x2 grid PNG.")
public final class SubmitCommand implements Callable<Integer> {
    private static final int BAR_WIDTH = 30;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", description = "The prompt and its flags, e.g. \"a red fox in snow --ar 3:2 --seed 7\".")
    List<String> prompt;

    @Option(names = "--api", defaultValue = "${env:IMAGINE_API:-http://127.0.0.1:8080}",
            description = "API base URL (default ${DEFAULT-VALUE}; env IMAGINE_API).")
    String api;

    @Option(names = "--api-key", defaultValue = "${env:IMAGINE_API_KEY}",
            description = "API key (env IMAGINE_API_KEY; default: the key `up` wrote to var/dev-api-key).")
    String apiKey;

    @Option(names = "--mode", description = "turbo, fast or relax (default: the server's).")
    String mode;

    @Option(names = "--out", defaultValue = "var/grids", description = "Where to save the grid (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-follow", description = "Print the job id and return without waiting.")
    boolean noFollow;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "Give up following after this (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        ApiClient client = new ApiClient(api, ApiKeyFile.resolve(apiKey));
        JsonNode accepted = client.submit(String.join(" ", prompt), mode);
        String id = accepted.path("id").asText();
        console.printf("Submitted job %s (seed %d)%n", id, accepted.path("seed").asLong());
        java.util.List<String> ignored = new java.util.ArrayList<>();
        accepted.path("ignoredWords").forEach(w -> ignored.add(w.asText()));
        if (!ignored.isEmpty()) {
            console.printf("The model does not know these words and ignores them: %s%n", String.join(", ", ignored));
        }
        console.flush();
        if (noFollow) {
            return 0;
        }
        JsonNode job = follow(client, id, console);
        String state = job.path("state").asText();
        if (!state.equals("COMPLETED")) {
            throw new CliException("job " + id + " ended " + state + ": " + job.path("error").asText("no reason given"), 1);
        }
        Files.createDirectories(out);
        Path file = out.resolve(id + ".png");
        Files.write(file, client.grid(id));
        console.printf("Saved %dx%d grid to %s%n", job.path("width").asInt(), job.path("height").asInt(), file);
        console.printf("Took %d ms from submission (queued %d ms, rendering %d ms)%n", job.at("/timings/totalMillis").asLong(),
                job.at("/timings/queueWaitMillis").asLong(), job.at("/timings/processingMillis").asLong());
        return 0;
    }

    private JsonNode follow(ApiClient client, String id, PrintWriter console) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean tty = System.console() != null;
        String lastState = "";
        String lastBar = "";
        while (System.nanoTime() < deadline) {
            JsonNode job = client.job(id);
            String state = job.path("state").asText();
            int total = job.path("totalSteps").asInt();
            if (!state.equals(lastState)) {
                String fullBar = bar(total, total);
                if (state.equals("COMPLETED") && !lastBar.equals(fullBar)) {
                    // A poll can miss the last steps, or a fast job every step: show the bar finished first.
                    console.print(tty ? "\r" + fullBar : fullBar + System.lineSeparator());
                }
                if (tty && !lastBar.isEmpty()) {
                    console.println();
                }
                console.printf("%s%s%n", state, job.hasNonNull("worker") ? " on " + job.path("worker").asText() : "");
                lastState = state;
                lastBar = "";
            }
            if (state.equals("PROCESSING")) {
                String bar = bar(job.path("step").asInt(), total);
                if (!bar.equals(lastBar)) {
                    console.print(tty ? "\r" + bar : bar + System.lineSeparator());
                    lastBar = bar;
                }
            }
            console.flush();
            if (List.of("COMPLETED", "FAILED", "REJECTED", "CANCELLED").contains(state)) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new CliException("job " + id + " did not finish within " + timeout + "; follow it with GET /v1/jobs/" + id, 1);
    }

    static String bar(int step, int total) {
        int filled = total == 0 ? 0 : step * BAR_WIDTH / total;
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + step + "/" + total + " steps";
    }
}
