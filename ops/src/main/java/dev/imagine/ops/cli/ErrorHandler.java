package dev.imagine.ops.cli;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import picocli.CommandLine;

/** Maps a command's failure to one line that says what went wrong and what fixes it. */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = switch (root) {
            case ConnectException c -> "Couldn't reach the API; is `ops/imagine up` running?";
            case HttpConnectTimeoutException t -> "The API did not answer in time; is it overloaded?";
            case CliException c -> c.getMessage();
            default -> root.getClass().getSimpleName() + ": " + root.getMessage();
        };
        commandLine.getErr().println("error: " + message);
        return root instanceof CliException c ? c.exitCode() : 1;
    }
}
