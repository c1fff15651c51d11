package dev.imagine.participant;

import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weights one GPU slot holds. Helix transitions load and unload them; the slot's worker runs jobs
 * on them. A job holds {@link #lock} while it runs, so an unload waits for the job rather than pulling
 * weights from under it.
 */
public final class SlotRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(SlotRuntime.class);

    private final String slot;
    private final ModelPreset preset;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile DiffusionModel model;

    public SlotRuntime(String slot, ModelPreset preset) {
        this.slot = slot;
        this.preset = preset;
    }

    public String slot() {
        return slot;
    }

    public void load(String version) {
        lock.lock();
        try {
            long start = System.nanoTime();
            model = ModelRegistry.load(version, preset);
            LOG.info("Slot {} loaded {} ({} preset) in {} ms", slot, version, preset,
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            lock.unlock();
        }
    }

    public void unload() {
        lock.lock();
        try {
            if (model != null) {
                LOG.info("Slot {} unloaded {}", slot, model.version());
            }
            model = null;
        } finally {
            lock.unlock();
        }
    }

    /** The loaded model, for a job that already holds {@link #lock()}. */
    public DiffusionModel model() {
        return model;
    }

    public ReentrantLock lock() {
        return lock;
    }
}
