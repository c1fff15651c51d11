package dev.imagine.controller.slurm;

import java.util.Optional;

/**
 * How imagine's Slurm jobs and the Helix participants they host find each other. A job is named
 * {@code imagine.<cluster>.<pool>}; its participant is instance {@code slurm-<jobid>} and records the
 * job id, node and devices in its Helix instance config.
 */
public final class SlurmNaming {
    /** Instance-config field: the Slurm job hosting this participant. */
    public static final String JOB_ID = "SLURM_JOB_ID";
    /** Instance-config field: the Slurm node it runs on. */
    public static final String NODE = "SLURM_NODE";
    /** Instance-config field: slot → device, e.g. {@code gpu_slurm-7_0=0}. */
    public static final String SLOT_DEVICES = "SLOT_DEVICES";
    /** Disable reason of a participant the reconciler disabled because its Slurm node went bad. */
    public static final String NODE_DISABLE_PREFIX = "imagine: slurm node ";
    public static final String DRAIN_REASON = "imagine: draining";

    private SlurmNaming() {
    }

    public static String jobName(String cluster, String pool) {
        return "imagine." + cluster + "." + pool;
    }

    public static String instance(long slurmJobId) {
        return "slurm-" + slurmJobId;
    }

    public static boolean isSlurmInstance(String instance) {
        return instance.startsWith("slurm-");
    }

    /** The pool of one of our jobs in {@code cluster}, or empty for anyone else's job. */
    public static Optional<String> poolOf(String cluster, String jobName) {
        String prefix = "imagine." + cluster + ".";
        return jobName != null && jobName.startsWith(prefix) && jobName.length() > prefix.length()
                ? Optional.of(jobName.substring(prefix.length())) : Optional.empty();
    }
}
