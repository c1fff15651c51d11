package dev.imagine.participant;

import dev.imagine.controller.helix.SlotNames;
import dev.imagine.controller.slurm.SlurmNaming;
import dev.imagine.kernels.ModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A participant started by a Slurm job reads its configuration from the environment the job was
 * submitted with ({@code IMAGINE_*}) and from Slurm's ({@code SLURM_JOB_ID}, {@code SLURMD_NODENAME},
 * {@code CUDA_VISIBLE_DEVICES}). One slot per visible GPU; slot i maps to the i-th device.
 */
final class SlurmParticipantConfig {
    private SlurmParticipantConfig() {
    }

    static ParticipantConfig fromEnvironment(Map<String, String> env) {
        String jobId = require(env, "SLURM_JOB_ID");
        String pool = require(env, "IMAGINE_POOL");
        String instance = SlurmNaming.instance(Long.parseLong(jobId));
        List<String> devices = new ArrayList<>();
        for (String device : env.getOrDefault("CUDA_VISIBLE_DEVICES", "").split(",")) {
            if (!device.isBlank()) {
                devices.add(device.strip());
            }
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("CUDA_VISIBLE_DEVICES is empty: submit the job with --gres=gpu:N");
        }
        Map<String, String> slotDevices = new LinkedHashMap<>();
        for (int i = 0; i < devices.size(); i++) {
            slotDevices.put(SlotNames.slot(pool, instance, i), devices.get(i));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(SlurmNaming.JOB_ID, jobId);
        attributes.put(SlurmNaming.NODE, env.getOrDefault("SLURMD_NODENAME", ""));
        attributes.put(SlurmNaming.SLOT_DEVICES, slotDevices.toString().replaceAll("[{} ]", ""));
        return new ParticipantConfig(require(env, "IMAGINE_ZK"), require(env, "IMAGINE_CLUSTER"), instance, pool,
                devices.size(), require(env, "IMAGINE_MODEL"),
                ModelPreset.valueOf(require(env, "IMAGINE_PRESET").toUpperCase(Locale.ROOT)),
                Path.of(require(env, "IMAGINE_IMAGE_DIR")),
                Duration.ofMillis(Long.parseLong(env.getOrDefault("IMAGINE_SESSION_TIMEOUT_MS",
                        Long.toString(dev.imagine.core.zk.ZkClients.WORKER_SESSION.toMillis())))), attributes);
    }

    private static String require(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set; a Slurm-launched participant is configured by its job's environment");
        }
        return value;
    }
}
