package dev.imagine.ops.cli;

import dev.imagine.slurm.SlurmException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import picocli.CommandLine;

/** Maps a command's failure to one line that says what went wrong and what fixes it. */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    /** Exit code of a Slurm failure (unreachable, refused token, unknown partition, ...). */
    public static final int SLURM_EXIT = 4;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        // Our own exceptions are already phrased for the operator: the first one in the chain wins.
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CliException c) {
                return print(commandLine, c.getMessage(), c.exitCode());
            }
            if (t instanceof SlurmException s) {
                return print(commandLine, s.getMessage(), SLURM_EXIT);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = switch (root) {
            case ConnectException c -> "Couldn't reach the API; is `ops/imagine up` running?";
            case HttpConnectTimeoutException t -> "The API did not answer in time; is it overloaded?";
            default -> root.getClass().getSimpleName() + ": " + root.getMessage();
        };
        return print(commandLine, message, 1);
    }

    private static int print(CommandLine commandLine, String message, int exitCode) {
        commandLine.getErr().println("error: " + message);
        commandLine.getErr().flush();
        return exitCode;
    }
}
