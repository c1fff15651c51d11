package dev.imagine.ops.cli;

import dev.imagine.slurm.SlurmException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import org.apache.helix.zookeeper.zkclient.exception.ZkException;
import org.apache.zookeeper.KeeperException;
import picocli.CommandLine;

/** Maps a command's failure to one line that says what went wrong and what fixes it. */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    /** Exit code of a Slurm failure (unreachable, refused token, unknown partition, ...). */
    public static final int SLURM_EXIT = 4;
    /** Exit code of a ZooKeeper failure, as for an unreachable cluster. */
    public static final int ZOOKEEPER_EXIT = 3;

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
            if (root instanceof KeeperException || root instanceof ZkException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof KeeperException || root instanceof ZkException) {
            return print(commandLine, zooKeeperMessage(root), ZOOKEEPER_EXIT);
        }
        String message = switch (root) {
            case ConnectException c -> "Couldn't reach the API; is `ops/imagine up` running?";
            case HttpConnectTimeoutException t -> "The API did not answer in time; is it overloaded?";
            default -> root.getClass().getSimpleName() + ": " + root.getMessage();
        };
        return print(commandLine, message, 1);
    }

    /** A ZooKeeper error in words: what it says about the cluster, and what to do. */
    private static String zooKeeperMessage(Throwable t) {
        KeeperException keeper = t instanceof KeeperException k ? k
                : t.getCause() instanceof KeeperException k ? k : null;
        String what = keeper == null ? t.getMessage()
                : keeper.code() + (keeper.getPath() == null ? "" : " at " + keeper.getPath());
        if (keeper != null && (keeper.code() == KeeperException.Code.NONODE || keeper.code() == KeeperException.Code.NODEEXISTS
                || keeper.code() == KeeperException.Code.BADVERSION)) {
            return "ZooKeeper changed while this command read it (" + what + "): the cluster may still be starting, "
                    + "or another process moved it; run the command again";
        }
        return "ZooKeeper did not complete the request (" + what + "); check that it is up and run the command again";
    }

    private static int print(CommandLine commandLine, String message, int exitCode) {
        commandLine.getErr().println("error: " + message);
        commandLine.getErr().flush();
        return exitCode;
    }
}
