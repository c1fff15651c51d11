package dev.imagine.core.zk;

/** A job record whose JSON cannot be read (written by hand, by an incompatible version, or corrupted). */
public final class UnreadableRecordException extends RuntimeException {
    private final String jobId;

    public UnreadableRecordException(String jobId, Throwable cause) {
        super("job record " + jobId + " is unreadable: " + cause.getMessage(), cause);
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }
}
