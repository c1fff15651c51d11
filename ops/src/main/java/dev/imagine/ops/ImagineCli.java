package dev.imagine.ops;

import dev.imagine.ops.cli.BenchCommand;
import dev.imagine.ops.cli.ErrorHandler;
import dev.imagine.ops.cli.SubmitCommand;
import dev.imagine.ops.cli.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code imagine}: the operator CLI. One class per command; errors become one line with the fix. */
@Command(name = "imagine", mixinStandardHelpOptions = true, version = "imagine 0.1.0",
        description = "Run and operate an imagine text-to-image cluster.",
        subcommands = {UpCommand.class, SubmitCommand.class, BenchCommand.class})
public final class ImagineCli {

    public static CommandLine commandLine() {
        return new CommandLine(new ImagineCli()).setExecutionExceptionHandler(new ErrorHandler());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
