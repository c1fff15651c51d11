package dev.imagine.ops;

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
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java,
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dzk.session.timeout=3000", "-Dimagine.sessionTimeoutMillis=3000",
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
