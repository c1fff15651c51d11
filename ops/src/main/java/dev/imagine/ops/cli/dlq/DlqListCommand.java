package dev.imagine.ops.cli.dlq;

import dev.imagine.core.job.Attempt;
import dev.imagine.core.job.DeadLetter;
import dev.imagine.ops.cli.support.ClusterAccess;
import dev.imagine.ops.cli.support.Output;
import dev.imagine.ops.cli.support.Table;
import dev.imagine.ops.cli.support.ZkOptions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code imagine dlq list}: every dead letter, oldest first, with where its attempts ran and why it died. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Every dead letter, oldest first.")
public final class DlqListCommand implements Callable<Integer> {
    @Mixin
    ZkOptions zk;

    @Mixin
    Output output;

    @Override
    public Integer call() throws Exception {
        List<DeadLetter> letters;
        try (ClusterAccess cluster = ClusterAccess.open(zk)) {
            letters = cluster.store().deadLetters();
        }
        if (output.json) {
            output.printJson(letters);
            return 0;
        }
        if (letters.isEmpty()) {
            output.out().println("No dead letters.");
            return 0;
        }
        Table table = new Table("JOB", "USER", "LANE", "DIED", "ATTEMPTS", "SLOTS", "REASON");
        for (DeadLetter letter : letters) {
            List<Attempt> history = letter.job() == null ? List.of() : letter.job().history();
            table.row(letter.jobId(), letter.user(), letter.lane() == null ? "-" : letter.lane().pathName(),
                    Instant.ofEpochMilli(letter.deadAtMillis()), letter.job() == null ? "-" : letter.job().attempts(),
                    history.stream().map(Attempt::slot).distinct().collect(Collectors.joining(",")), letter.reason());
        }
        table.print(output.out(), "");
        output.out().printf("%d dead letter(s); `imagine dlq show <job>` for one, `imagine dlq replay` to run again%n",
                letters.size());
        return 0;
    }
}
