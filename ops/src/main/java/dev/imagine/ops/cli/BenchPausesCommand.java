package dev.imagine.ops.cli;

import dev.imagine.core.metrics.PauseMeter;
import dev.imagine.core.zk.EmbeddedZooKeeper;
import dev.imagine.core.zk.ZkClients;
import dev.imagine.kernels.CancellationToken;
import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.GenerationRequest;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imagine bench pauses}: what a worker's ZooKeeper session must survive, measured on this machine. Every
 * core renders SMALL grids (a participant at full load: kernels, PNG encoding, garbage) while the JVM's pauses and
 * the latency of versioned writes to a local ZooKeeper (fsync on) are recorded. A session must outlast the longest
 * pause plus the slowest write with room for the client's pings (every third of the session), hence the floor
 * {@code 3 × (pause_max + zk_write_max)}.
 */
@Command(name = "pauses", mixinStandardHelpOptions = true,
        description = "JVM pauses and ZooKeeper write latency under full kernel load: the worker session's floor.")
public final class BenchPausesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "30", description = "How long to measure (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--quick", description = "Measure for 8 s.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration length = Duration.ofSeconds(quick ? 8 : seconds);
        Path dir = Files.createTempDirectory("imagine-pauses");
        AtomicBoolean loaded = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        try (EmbeddedZooKeeper server = new EmbeddedZooKeeper(dir.resolve("zk"), 0).start();
             CuratorFramework zk = ZkClients.connect(server.connectString(), Duration.ofSeconds(10));
             PauseMeter meter = new PauseMeter("bench")) {
            DiffusionModel model = ModelRegistry.load("v8", ModelPreset.SMALL);
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                long seed = i;
                load.add(Thread.ofPlatform().daemon().name("load-" + i).start(() -> {
                    for (long n = seed; loaded.get(); n += 1_000) {
                        model.generate(new GenerationRequest("a lighthouse in a storm", "", n, 1, 1, 1, 100, 0),
                                ProgressListener.NONE, new CancellationToken());
                    }
                }));
            }
            zk.create().forPath("/pauses", new byte[64]);
            meter.start();
            meter.take();
            List<Long> writes = new ArrayList<>();
            long end = System.nanoTime() + length.toNanos();
            int version = 0;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                zk.setData().withVersion(version++).forPath("/pauses", new byte[64]);
                writes.add(System.nanoTime() - t0);
                Thread.sleep(5);
            }
            PauseMeter.Pauses pauses = meter.take();
            loaded.set(false);
            long[] nanos = writes.stream().mapToLong(Long::longValue).sorted().toArray();
            long writeP99 = nanos[(int) Math.min(nanos.length - 1, Math.ceil(nanos.length * 0.99) - 1)] / 1_000_000;
            long writeMax = nanos[nanos.length - 1] / 1_000_000;
            long floor = 3 * (pauses.maxMillis() + writeMax);
            out.printf("seconds=%d%n", length.toSeconds());
            out.printf("load_threads=%d%n", load.size());
            out.printf("pause_samples=%d%n", pauses.samples());
            out.printf("pause_p99_ms=%d%npause_p999_ms=%d%npause_max_ms=%d%n", pauses.p99Millis(), pauses.p999Millis(),
                    pauses.maxMillis());
            out.printf("zk_writes=%d%nzk_write_p99_ms=%d%nzk_write_max_ms=%d%n", nanos.length, writeP99, writeMax);
            out.printf("session_floor_ms=%d%n", floor);
            out.flush();
        } finally {
            loaded.set(false);
            for (Thread thread : load) {
                thread.join(30_000);
            }
            deleteQuietly(dir);
        }
        return 0;
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temporary folder
        }
    }
}
