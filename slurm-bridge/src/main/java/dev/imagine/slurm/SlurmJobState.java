package dev.imagine.slurm;

import java.util.Locale;

/** Slurm's base job states; anything it adds later reads as {@link #UNKNOWN}. */
public enum SlurmJobState {
    PENDING, RUNNING, SUSPENDED, COMPLETING, COMPLETED, CANCELLED, FAILED, TIMEOUT, NODE_FAIL, PREEMPTED,
    BOOT_FAIL, DEADLINE, OUT_OF_MEMORY, UNKNOWN;

    public static SlurmJobState parse(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    /** Still holds (or will hold) its allocation. COMPLETING means its processes are being killed. */
    public boolean isActive() {
        return this == PENDING || this == RUNNING || this == SUSPENDED;
    }

    /** Over or ending (COMPLETING: its processes are being killed). A state we cannot read is neither. */
    public boolean hasEnded() {
        return this != UNKNOWN && !isActive();
    }
}
