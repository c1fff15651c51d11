package dev.imagine.controller.slurm;

import dev.imagine.slurm.SlurmJobRequest;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a Slurm job starts a participant: the batch script execs {@code ParticipantMain} with this JVM's
 * java, classpath and flags, configured entirely by environment (ZooKeeper, cluster, pool, model).
 * The participant maps {@code CUDA_VISIBLE_DEVICES} (set by Slurm for {@code --gres=gpu:N}) to its slots.
 *
 * @param slotsPerJob GPUs (= slots) per Slurm job: {@code --gres=gpu:<slotsPerJob>}
 * @param workDir     where Slurm writes each job's {@code slurm-<id>.out}
 */
public record ParticipantLaunch(
        String javaHome,
        String classpath,
        List<String> jvmFlags,
        String zkAddress,
        String cluster,
        String modelVersion,
        String preset,
        Path imageDir,
        Path workDir,
        int slotsPerJob,
        long memoryMb,
        long sessionTimeoutMillis) {

    static final String MAIN = "dev.imagine.participant.ParticipantMain";
    static final String SCRIPT = """
            #!/bin/bash
            # imagine participant for pool $IMAGINE_POOL, Slurm job $SLURM_JOB_ID on $SLURMD_NODENAME (GPUs: $CUDA_VISIBLE_DEVICES)
            # exec: scancel's SIGTERM reaches the JVM, whose shutdown hook leaves Helix cleanly.
            exec "$JAVA_HOME/bin/java" $IMAGINE_JVM_FLAGS -Dzk.session.timeout=$IMAGINE_SESSION_TIMEOUT_MS \\
                -Dimagine.sessionTimeoutMillis=$IMAGINE_SESSION_TIMEOUT_MS -cp "$IMAGINE_CLASSPATH" %s
            """.formatted(MAIN);

    public ParticipantLaunch {
        jvmFlags = List.copyOf(jvmFlags);
        if (slotsPerJob < 1) {
            throw new IllegalArgumentException("slotsPerJob must be at least 1, got " + slotsPerJob);
        }
    }

    /** Participants run the same java, classpath and module/access flags as this JVM (same install, shared FS). */
    public static ParticipantLaunch likeThisJvm(String zkAddress, String cluster, String modelVersion, String preset,
                                                Path imageDir, Path workDir, int slotsPerJob) {
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access") || arg.startsWith("-Dzookeeper.")) {
                flags.add(arg);
            }
        }
        return new ParticipantLaunch(System.getProperty("java.home"), System.getProperty("java.class.path"), flags,
                zkAddress, cluster, modelVersion, preset, imageDir.toAbsolutePath(), workDir.toAbsolutePath(),
                slotsPerJob, 1024, dev.imagine.core.zk.ZkClients.WORKER_SESSION.toMillis());
    }

    public SlurmJobRequest request(String pool) {
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", workDir.toString());
        env.put("JAVA_HOME", javaHome);
        env.put("IMAGINE_CLASSPATH", classpath);
        env.put("IMAGINE_JVM_FLAGS", String.join(" ", jvmFlags));
        env.put("IMAGINE_SESSION_TIMEOUT_MS", Long.toString(sessionTimeoutMillis));
        env.put("IMAGINE_ZK", zkAddress);
        env.put("IMAGINE_CLUSTER", cluster);
        env.put("IMAGINE_POOL", pool);
        env.put("IMAGINE_MODEL", modelVersion);
        env.put("IMAGINE_PRESET", preset);
        env.put("IMAGINE_IMAGE_DIR", imageDir.toString());
        return new SlurmJobRequest(SlurmNaming.jobName(cluster, pool), pool, SCRIPT, env, "gpu:" + slotsPerJob,
                1, memoryMb, workDir, "imagine participant, " + slotsPerJob + " slot(s) of pool " + pool);
    }
}
