package dev.imagine.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.shapes.ShapeEval;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code imagine eval}: the trained model's pictures, scored attribute by attribute by the shape checker. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Render fresh seeded prompts of the shapes vocabulary through the Java engine (default flags) "
                + "and print the checker's accuracy per attribute and all= (every attribute right), over every image.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = ModelRegistry.TRAINED, description = "Model version (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--prompts", defaultValue = "256", description = "Prompts to render, four images each (default ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prompts and their job seeds (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "One JSON object instead of key=value lines.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (prompts < 1) {
            throw new CliException("--prompts must be at least 1", 2);
        }
        if (!ModelRegistry.isTrained(model)) {
            throw new CliException("--model " + model + " is not a trained model of the shapes vocabulary; use "
                    + ModelRegistry.TRAINED, 2);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DiffusionModel loaded = ModelRegistry.load(model, ModelPreset.SMALL);
        int every = Math.max(1, prompts / 8);
        ShapeEval.Result r = ShapeEval.run(loaded, prompts, seed, done -> {
            if (done % every == 0 || done == prompts) {
                err.printf(Locale.ROOT, "eval: %d/%d prompts%n", done, prompts);
                err.flush();
            }
        });
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("model", model).put("prompts", r.prompts()).put("images", r.images()).put("seed", seed);
            r.accuracy().forEach(node::put);
            node.put("millis", r.millis());
            out.println(node);
        } else {
            out.printf(Locale.ROOT, "model=%s%nprompts=%d%nimages=%d%n", model, r.prompts(), r.images());
            for (Map.Entry<String, Double> e : r.accuracy().entrySet()) {
                out.printf(Locale.ROOT, "%s=%.4f%n", e.getKey(), e.getValue());
            }
            out.printf(Locale.ROOT, "ms_per_grid=%.0f%n", (double) r.millis() / r.prompts());
        }
        out.flush();
        return 0;
    }
}
