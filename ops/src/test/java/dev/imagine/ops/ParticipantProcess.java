package dev.imagine.ops;

import java.lang.management.ManagementFactory;
import dev.imagine.participant.ParticipantMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A participant in its own JVM, so a test can kill it the way a node dies: SIGKILL, no clean-up. */
final class ParticipantProcess implements AutoCloseable {
    private final String instance;
    private final Process process;
    private final Path log;

    private ParticipantProcess(String instance, Process process, Path log) {
        this.instance = instance;
        this.process = process;
        this.log = log;
    }

    static ParticipantProcess start(String zk, String cluster, String instance, String pool, String preset,
                                    Path imageDir, Path logDir) throws IOException {
        return start(zk, cluster, instance, pool, preset, imageDir, logDir, java.time.Duration.ofSeconds(3));
    }

    /** @param session the worker's ZooKeeper session (its leases and its Helix registration) */
    static ParticipantProcess start(String zk, String cluster, String instance, String pool, String preset,
                                    Path imageDir, Path logDir, java.time.Duration session) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        // the module and access flags this JVM runs with (Vector API; Arrow's buffers for the gang transport)
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(
                "-Dzk.session.timeout=" + session.toMillis(), "-Dimagine.sessionTimeoutMillis=" + session.toMillis(),
                // one kernel thread: a job runs long enough (seconds) for a test to kill or stop it mid-run
                "-Dimagine.kernels.threads=1",
                // a gang peer that stops answering is given up on after this long (GangTest kills one)
                "-Dimagine.gang.timeoutMillis=" + System.getProperty("imagine.gang.timeoutMillis", "8000"),
                "-Dimagine.models.dir=" + System.getProperty("imagine.models.dir", "target/models"),
                "-cp", System.getProperty("java.class.path"), ParticipantMain.class.getName(),
                zk, cluster, instance, pool, "1", "v8", preset, imageDir.toString()));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(instance + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ParticipantProcess(instance, process, log);
    }

    String instance() {
        return instance;
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the whole JVM for {@code pause} (SIGSTOP, then SIGCONT), as a long GC or a swapped-out node would. */
    void pause(java.time.Duration pause) throws Exception {
        signal("-STOP");
        try {
            Thread.sleep(pause.toMillis());
        } finally {
            signal("-CONT");
        }
    }

    private void signal(String which) throws Exception {
        Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + which + " " + process.pid() + " failed");
        }
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
