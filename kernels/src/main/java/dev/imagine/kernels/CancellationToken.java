package dev.imagine.kernels;

/** Lets another thread stop a running generation; checked once per sampler step. */
public final class CancellationToken {

    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public void throwIfCancelled() throws GenerationCancelledException {
        if (cancelled) {
            throw new GenerationCancelledException();
        }
    }
}
