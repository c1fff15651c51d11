package dev.imagine.ops.cli.models;

import dev.imagine.controller.helix.ModelAffinity;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.ops.cli.CliException;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code imagine models add <version>}: adds a state to the ModelAffinity state model, so slots can be
 * targeted to it. Only versions this build has weights for: a slot told to load anything else would fail.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Add a model version to the ModelAffinity state model (slots can then load it).")
public final class ModelsAddCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<version>", description = "e.g. v6")
    String version;

    @Override
    public Integer call() throws Exception {
        if (!ModelRegistry.slotVersions().contains(version)) {
            throw new CliException("this build has no weights for '" + version + "' (it has "
                    + String.join(", ", ModelRegistry.slotVersions()) + "); add them to the kernels' ModelRegistry first", 2);
        }
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            if (cluster.setup().versions().contains(version)) {
                throw new CliException("model " + version + " is already in the " + ModelAffinity.NAME
                        + " state model; `imagine models list` shows it", 2);
            }
            cluster.setup().ensureCluster(List.of(version));
        }
        if (output.json) {
            output.printJson(Map.of("version", version, "state", ModelAffinity.stateFor(version)));
        } else {
            output.out().printf("Added model %s to the %s state model (state %s); the planner can now load it on slots%n",
                    version, ModelAffinity.NAME, ModelAffinity.stateFor(version));
        }
        return 0;
    }
}
