package dev.imagine.ops.cli.dlq;

import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.ZkOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code imagine dlq drop <job>}: forget a dead letter; the job stays FAILED with its history. */
@Command(name = "drop", mixinStandardHelpOptions = true, description = "Forget a dead letter (the job stays FAILED).")
public final class DlqDropCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Parameters(index = "0", paramLabel = "<job>")
    String id;

    @Override
    public Integer call() throws Exception {
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            if (!cluster.store().dropDeadLetter(id)) {
                throw DlqCommand.noSuchLetter(id);
            }
        }
        if (output.json) {
            output.printJson(Map.of("dropped", id));
        } else {
            output.out().printf("Dropped the dead letter of job %s; the job stays FAILED%n", id);
        }
        return 0;
    }
}
