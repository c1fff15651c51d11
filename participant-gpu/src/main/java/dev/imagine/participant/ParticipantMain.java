package dev.imagine.participant;

import dev.imagine.kernels.ModelPreset;
import dev.imagine.core.zk.ZkClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A participant as its own process (a GPU node, or a Slurm job):
 * {@code ParticipantMain <zk> <cluster> <instance> <pool> <slots> <version> <preset> <imageDir>}, or with
 * no arguments inside a Slurm job, configured by its environment ({@link SlurmParticipantConfig}).
 */
public final class ParticipantMain {
    private ParticipantMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8 && args.length != 0) {
            System.err.println("usage: ParticipantMain <zk> <cluster> <instance> <pool> <slots> <version> <preset> <imageDir>"
                    + " (or no arguments inside a Slurm job)");
            System.exit(2);
        }
        ParticipantConfig config = args.length == 0 ? SlurmParticipantConfig.fromEnvironment(System.getenv())
                : new ParticipantConfig(args[0], args[1], args[2], args[3], Integer.parseInt(args[4]), args[5],
                        ModelPreset.valueOf(args[6].toUpperCase(java.util.Locale.ROOT)), Path.of(args[7]),
                        Duration.ofMillis(Long.getLong("imagine.sessionTimeoutMillis", ZkClients.WORKER_SESSION.toMillis())));
        GpuParticipant participant = new GpuParticipant(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            participant.close();
            stopped.countDown();
        }));
        System.out.println("READY " + config.instance());
        stopped.await();
    }
}
