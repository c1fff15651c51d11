package dev.imagine.kernels.cpu;

import dev.imagine.kernels.ops.TensorBackend;
import dev.imagine.kernels.ops.TensorOps;

/**
 * The CPU backend on the Java Vector API ({@code jdk.incubator.vector}, enabled with
 * {@code --add-modules=jdk.incubator.vector}). Preferred over the scalar reference wherever the module
 * is present; the probe names the vector width the JIT will use.
 */
public final class VectorBackend implements TensorBackend {
    static final String MODULE = "jdk.incubator.vector";

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Availability.no(MODULE + " is not in the boot layer: start the JVM with --add-modules="
                    + MODULE);
        }
        try {
            return Availability.yes(VectorTensorOps.describeSpecies());
        } catch (LinkageError e) {
            return Availability.no(MODULE + " failed to load: " + e);
        }
    }

    @Override
    public TensorOps create(int threads) {
        return new VectorTensorOps(threads);
    }
}
