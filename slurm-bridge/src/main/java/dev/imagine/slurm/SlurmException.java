package dev.imagine.slurm;

/**
 * A Slurm call failed; the message says what it means for the operator and how to fix it (never the token).
 * Subclasses name the cases callers act on.
 */
public class SlurmException extends RuntimeException {
    public SlurmException(String message) {
        super(message);
    }

    public SlurmException(String message, Throwable cause) {
        super(message, cause);
    }

    /** slurmrestd refused who we are: no token (its 401) or a bad/expired one (its 500 "unable to load"). */
    public static final class Unauthorized extends SlurmException {
        public Unauthorized(String message) {
            super(message);
        }
    }

    /** Slurm does not know the job (its 500 with error 2017): never submitted, or purged after MinJobAge. */
    public static final class JobNotFound extends SlurmException {
        private final long jobId;

        public JobNotFound(long jobId, String endpoint) {
            super("Slurm at " + endpoint + " does not know job " + jobId
                    + " (it never existed or ended more than MinJobAge ago)");
            this.jobId = jobId;
        }

        public long jobId() {
            return jobId;
        }
    }

    /** slurmrestd is not answering at all (connection refused, timeout). */
    public static final class Unreachable extends SlurmException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
