package dev.imagine.ops.cli;

import picocli.CommandLine.Command;

/** {@code imagine bench ...}: harnesses that print key=value lines, to compare runs on one machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print key=value lines.",
        subcommands = {BenchAcceptCommand.class, BenchKernelsCommand.class, BenchPausesCommand.class, BenchQueueCommand.class,
                BenchHistoryCommand.class, BenchModerationCommand.class, BenchSpCommand.class})
public final class BenchCommand {
}
