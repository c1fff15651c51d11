package dev.imagine.ops.cli;

/** A failure already phrased for the operator, with the exit code to leave with. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
