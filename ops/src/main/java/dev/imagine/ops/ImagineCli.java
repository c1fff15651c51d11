package dev.imagine.ops;

import dev.imagine.ops.cli.BenchCommand;
import dev.imagine.ops.cli.ErrorHandler;
import dev.imagine.ops.cli.SubmitCommand;
import dev.imagine.ops.cli.UpCommand;
import dev.imagine.ops.cli.capacity.CapacityCommand;
import dev.imagine.ops.cli.cluster.ClusterCommand;
import dev.imagine.ops.cli.dlq.DlqCommand;
import dev.imagine.ops.cli.jobs.JobsCommand;
import dev.imagine.ops.soak.SoakCommand;
import dev.imagine.ops.cli.models.ModelsCommand;
import dev.imagine.ops.cli.partitions.PartitionsCommand;
import dev.imagine.ops.cli.queue.QueueCommand;
import dev.imagine.ops.cli.slots.SlotsCommand;
import dev.imagine.ops.cli.users.UsersCommand;
import dev.imagine.ops.cli.storage.StorageCommand;
import dev.imagine.ops.sim.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code imagine}: the operator CLI. One class per command; errors become one line with the fix. */
@Command(name = "imagine", mixinStandardHelpOptions = true, version = "imagine 0.1.0",
        description = "Run and operate an imagine text-to-image cluster.",
        subcommands = {UpCommand.class, SubmitCommand.class, ClusterCommand.class, PartitionsCommand.class,
                SlotsCommand.class, QueueCommand.class, JobsCommand.class, DlqCommand.class, ModelsCommand.class, CapacityCommand.class,
                UsersCommand.class, StorageCommand.class, SimulateCommand.class, BenchCommand.class, dev.imagine.ops.cli.EvalCommand.class, SoakCommand.class,
                dev.imagine.ops.cli.discord.DiscordCommand.class})
public final class ImagineCli {

    public static CommandLine commandLine() {
        return new CommandLine(new ImagineCli()).setExecutionExceptionHandler(new ErrorHandler());
    }

    public static void main(String[] args) {
        // Operator commands print tables; only long-running roles (up, bench) need the INFO log.
        if (args.length > 0 && !args[0].equals("up") && !args[0].equals("bench")) {
            System.setProperty("imagine.log.level", "WARN");
            // The ZooKeeper client's reconnect warnings (with stack traces) would bury the one-line error.
            System.setProperty("imagine.zk.log.level", "OFF");
        }
        int exit;
        try {
            exit = commandLine().execute(args);
        } catch (Error fatal) {
            // picocli hands on Errors (an ExceptionInInitializerError from a library, out of memory): say it in one
            // line and exit, or the threads already started (ZooKeeper, Helix) would keep the JVM up doing nothing
            Throwable root = fatal;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("error: " + fatal.getClass().getSimpleName()
                    + (root == fatal ? ": " + fatal.getMessage() : " caused by " + root));
            exit = 1;
        }
        System.exit(exit);
    }
}
