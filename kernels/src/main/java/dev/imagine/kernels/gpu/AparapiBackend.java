package dev.imagine.kernels.gpu;

import dev.imagine.kernels.ops.TensorBackend;
import dev.imagine.kernels.ops.TensorOps;

/**
 * The OpenCL backend through Aparapi. First choice (priority 200) when an OpenCL GPU or accelerator is
 * present; on a CPU-only OpenCL (PoCL) it stays available but ranks below the Vector API backend
 * (priority 10): there it is a correctness path for the GPU kernels, not a fast one. Unavailable without
 * OpenCL — Aparapi would otherwise run its kernels in a Java thread pool and say nothing.
 */
public final class AparapiBackend implements TensorBackend {
    public static final String NAME = "aparapi";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        OpenClDevices found = OpenClDevices.discover();
        OpenClDevices.Found chosen = found.chosen();
        return chosen == null ? -1 : chosen.gpu() ? 200 : 10;
    }

    @Override
    public Availability probe() {
        OpenClDevices found = OpenClDevices.discover();
        OpenClDevices.Found chosen = found.chosen();
        if (chosen == null) {
            return Availability.no(found.devices().isEmpty() ? found.summary()
                    : found.whyNone() + " (" + found.summary() + ")");
        }
        String how = "using " + chosen.describe() + " (" + chosen.details() + ")";
        if (!chosen.gpu()) {
            how += "; no OpenCL GPU, so this is a slow correctness path";
        }
        return Availability.yes(how + "; found " + found.summary());
    }

    @Override
    public TensorOps create(int threads) {
        OpenClDevices found = OpenClDevices.discover();
        OpenClDevices.Found chosen = found.chosen();
        if (chosen == null) {
            throw new IllegalStateException("Aparapi backend cannot run: " + found.whyNone());
        }
        return new AparapiTensorOps(chosen);
    }
}
