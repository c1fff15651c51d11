package dev.imagine.ops.cli.dlq;

import dev.imagine.ops.cli.CliException;
import picocli.CommandLine.Command;

@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead letters (jobs that used up their attempts): list, show, replay, drop.",
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqReplayCommand.class, DlqDropCommand.class})
public final class DlqCommand {
    static CliException noSuchLetter(String id) {
        return new CliException("no dead letter for job '" + id + "'; `imagine dlq list` shows them", 2);
    }
}
