package dev.imagine.ops;

import dev.imagine.core.store.ImageStore;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.history.Archiver;
import dev.imagine.history.JobHistory;
import dev.imagine.history.UserDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.jdbi.v3.core.Jdbi;

/**
 * An archiver in a process of its own, retention zero, that can be killed ({@code Runtime.halt}, no shutdown hooks,
 * like {@code kill -9}) right after its n-th history write, before the ZooKeeper removal that follows it.
 */
final class ArchiverProcess {
    private ArchiverProcess() {
    }

    /** Runs one to completion (or to its kill) and returns its exit code. */
    static int run(String zk, String jdbcUrl, Path images, int haltAfterWrites, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ArchiverProcess.class.getName(), zk, jdbcUrl, images.toString(), Integer.toString(haltAfterWrites)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the archiver process did not finish; see " + log);
        }
        return process.exitValue();
    }

    public static void main(String[] args) throws Exception {
        int haltAfter = Integer.parseInt(args[3]);
        AtomicInteger writes = new AtomicInteger();
        try (CuratorFramework zk = ZkClients.connect(args[0], Duration.ofSeconds(10))) {
            Jdbi jdbi = Jdbi.create(args[1], "postgres", "");
            Archiver archiver = new Archiver(new JobStore(zk), new JobHistory(jdbi), new UserDirectory(jdbi),
                    new ImageStore(Path.of(args[2])), Duration.ZERO, Clock.systemUTC(), job -> {
                        if (writes.incrementAndGet() == haltAfter) {
                            System.out.println("halting after the history write of " + job.id());
                            System.out.flush();
                            Runtime.getRuntime().halt(137);
                        }
                    });
            archiver.mirrorUsers();
            for (int pass = 0; pass < 20 && !new JobStore(zk).finishedIds().isEmpty(); pass++) {
                System.out.println("pass: " + archiver.pass());
            }
        }
        System.exit(0);
    }
}
