package dev.imagine.kernels.ops;

/**
 * A kind of backend, found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.imagine.kernels.ops.TensorBackend}),
 * so a backend the project does not ship (TornadoVM, where an operator has its SDK) is a jar on the
 * classpath, not a change here.
 */
public interface TensorBackend {

    /** The name used to force it: {@code -Dimagine.kernels.backend=<name>}. */
    String name();

    /** Preference when nothing is forced: the highest available wins. */
    int priority();

    /** Whether it can run here, and if not, why (missing module, no OpenCL device, …). */
    Availability probe();

    /** A new instance using at most {@code threads} host threads. */
    TensorOps create(int threads);

    record Availability(boolean available, String reason) {
        public static Availability yes(String how) {
            return new Availability(true, how);
        }

        public static Availability no(String why) {
            return new Availability(false, why);
        }
    }
}
