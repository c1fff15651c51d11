package dev.imagine.kernels.gpu;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps the last warning Aparapi logged on this thread (it reports a failed OpenCL compile or device
 * only through java.util.logging, then falls back), so the exception that refuses the fallback can say why.
 */
final class AparapiLog {
    /** Held strongly: java.util.logging forgets loggers nobody references. */
    private static final Logger APARAPI = Logger.getLogger("com.aparapi");
    private static final ThreadLocal<String> LAST = new ThreadLocal<>();

    static {
        APARAPI.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    Throwable thrown = record.getThrown();
                    String message = record.getMessage() + (thrown == null ? "" : ": " + thrown.getMessage());
                    String previous = LAST.get();
                    LAST.set(previous == null ? message : previous + "; " + message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    private AparapiLog() {
    }

    static void clear() {
        LAST.remove();
    }

    static String lastProblem() {
        return LAST.get();
    }
}
