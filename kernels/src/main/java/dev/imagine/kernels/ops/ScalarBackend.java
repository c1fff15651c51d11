package dev.imagine.kernels.ops;

/** The reference backend: always available, always last choice. */
public final class ScalarBackend implements TensorBackend {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.yes("plain Java");
    }

    @Override
    public TensorOps create(int threads) {
        return ScalarTensorOps.INSTANCE;
    }
}
