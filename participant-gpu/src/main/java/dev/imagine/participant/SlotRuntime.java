package dev.imagine.participant;

import dev.imagine.kernels.DiffusionModel;
import dev.imagine.kernels.ModelPreset;
import dev.imagine.kernels.ModelRegistry;
import dev.imagine.kernels.Upscaler;
import dev.imagine.kernels.ModelStore;
import dev.imagine.kernels.NullDiffusionModel;
import dev.imagine.kernels.ops.TensorOps;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weights one GPU slot holds. Helix transitions load and unload them; the slot's worker runs jobs
 * on them. A job holds {@link #lock} while it runs, so an unload waits for the job rather than pulling
 * weights from under it.
 */
public final class SlotRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotRuntime.class);

    private final String slot;
    private final ModelPreset preset;
    private final TensorOps ops;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile DiffusionModel model;
    /** Held instead of a model in the {@link dev.imagine.kernels.ModelRegistry#UPSCALER} state. */
    private volatile Upscaler upscaler;
    private final boolean nullKernels;

    /** @param ops this slot's kernel backend (its device, its thread budget), closed with the slot */
    public SlotRuntime(String slot, ModelPreset preset, TensorOps ops) {
        this(slot, preset, ops, false);
    }

    /** @param nullKernels load {@link NullDiffusionModel}s: for benchmarks of the queue only */
    SlotRuntime(String slot, ModelPreset preset, TensorOps ops, boolean nullKernels) {
        this.nullKernels = nullKernels;
        this.slot = slot;
        this.preset = preset;
        this.ops = ops;
        LOG.info("Slot {} runs its kernels on {}: {}", slot, ops.backend(), ops.executionMode());
    }

    /** A slot already holding {@code model}: for tests of the worker protocol with a scripted model. */
    SlotRuntime(String slot, TensorOps ops, DiffusionModel model) {
        this(slot, model.preset(), ops);
        this.model = model;
    }

    /** e.g. "vector: cpu, 2 thread(s), Vector API 512-bit". */
    public String backend() {
        return ops.backend() + ": " + ops.executionMode();
    }

    public String slot() {
        return slot;
    }

    public void load(String version) {
        lock.lock();
        try {
            long start = System.nanoTime();
            if (ModelRegistry.UPSCALER.equals(version)) {
                model = null;
                upscaler = ModelRegistry.upscaler(ops, ModelStore.standard());
            } else {
                upscaler = null;
                model = nullKernels ? new NullDiffusionModel(version) : ModelRegistry.load(version, preset, ops, ModelStore.standard());
            }
            LOG.info("Slot {} loaded {} ({} preset) in {} ms", slot, version, preset,
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            lock.unlock();
        }
    }

    public void unload() {
        lock.lock();
        try {
            if (model != null || upscaler != null) {
                LOG.info("Slot {} unloaded {}", slot, model != null ? model.version() : ModelRegistry.UPSCALER);
            }
            model = null;
            upscaler = null;
        } finally {
            lock.unlock();
        }
    }

    /** The loaded model, for a job that already holds {@link #lock()}. */
    public DiffusionModel model() {
        return model;
    }

    /** The loaded upscaler, for an upscale job that already holds {@link #lock()}; null unless the slot holds it. */
    public Upscaler upscaler() {
        return upscaler;
    }

    /** Whether the slot holds what a job of {@code version} runs on. */
    public boolean holds(String version) {
        return ModelRegistry.UPSCALER.equals(version) ? upscaler != null : model != null && model.version().equals(version);
    }

    /** The slot's kernels, for its health check (a job uses them through its model). */
    TensorOps ops() {
        return ops;
    }

    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public void close() {
        unload();
        ops.close();
    }
}
