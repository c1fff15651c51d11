package dev.imagine.ops.soak;

import dev.imagine.kernels.ModelStore;
import dev.imagine.participant.ParticipantMain;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A participant in its own JVM, for the soak to kill (SIGKILL) or stop (SIGSTOP) as a node dies or stalls. */
final class WorkerProcess implements AutoCloseable {
    private final String instance;
    private final Process process;

    private WorkerProcess(String instance, Process process) {
        this.instance = instance;
        this.process = process;
    }

    static WorkerProcess start(String zk, String cluster, String instance, String pool, Path images, Path logs,
                               Duration session) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx512m", "-Dzk.session.timeout=" + session.toMillis(),
                "-Dimagine.sessionTimeoutMillis=" + session.toMillis(), "-Dimagine.kernels.threads=1",
                "-D" + ModelStore.PROPERTY + "=" + System.getProperty(ModelStore.PROPERTY),
                "-cp", System.getProperty("java.class.path"), ParticipantMain.class.getName(),
                zk, cluster, instance, pool, "1", "v8", "tiny", images.toString()));
        Files.createDirectories(logs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve(instance + ".log").toFile()).start();
        return new WorkerProcess(instance, process);
    }

    String instance() {
        return instance;
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP for {@code pause}, then SIGCONT: past its session, ZooKeeper expires it while it is stopped. */
    void stall(Duration pause) throws Exception {
        signal("-STOP");
        try {
            Thread.sleep(pause.toMillis());
        } finally {
            signal("-CONT");
        }
    }

    private void signal(String which) throws Exception {
        if (new ProcessBuilder("kill", which, Long.toString(process.pid())).start().waitFor() != 0) {
            throw new IllegalStateException("kill " + which + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
