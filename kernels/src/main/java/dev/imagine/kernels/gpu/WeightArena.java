package dev.imagine.kernels.gpu;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Every weight one backend prepared, back to back in one float array: the matmul kernel's weight
 * argument, uploaded when it changed and otherwise left on the device. Aparapi gives each kernel
 * instance its own OpenCL context, so one resident buffer per weight would mean one context per
 * weight; one arena needs none.
 *
 * <p>Weights nobody references any more (an unloaded model) are dropped the next time the arena is
 * uploaded, and the array is trimmed to what is live, so a long-lived backend does not grow forever.
 * Not thread-safe: the owning backend serialises calls.
 */
final class WeightArena {
    private static final int MAX_VALUES = Integer.MAX_VALUE - 16;

    private final List<WeakReference<AparapiWeight>> weights = new ArrayList<>();
    private float[] values = new float[0];
    private int used;
    private boolean changed = true;

    AparapiWeight add(AparapiTensorOps owner, float[] w, int k, int n) {
        long size = (long) k * n;
        if (used + size > MAX_VALUES) {
            throw new IllegalStateException("Aparapi weight arena full: " + used + " floats in use, " + size
                    + " more do not fit one Java array");
        }
        if (used + size > values.length) {
            long grown = Math.max(used + size, Math.min(values.length + (values.length >> 1), MAX_VALUES));
            values = Arrays.copyOf(values, (int) grown);
        }
        System.arraycopy(w, 0, values, used, (int) size);
        AparapiWeight weight = new AparapiWeight(owner, used, k, n);
        weights.add(new WeakReference<>(weight));
        used += (int) size;
        changed = true;
        return weight;
    }

    /** The array to upload, compacted and trimmed, when it changed since the last call; else null. */
    float[] takeChanged() {
        if (!changed) {
            return null;
        }
        changed = false;
        float[] live = new float[Math.max(used, 1)];
        int next = 0;
        for (Iterator<WeakReference<AparapiWeight>> it = weights.iterator(); it.hasNext();) {
            AparapiWeight weight = it.next().get();
            if (weight == null) {
                it.remove();
                continue;
            }
            int size = weight.rows() * weight.cols();
            System.arraycopy(values, weight.offset, live, next, size);
            weight.offset = next;
            next += size;
        }
        used = next;
        values = next == live.length ? live : Arrays.copyOf(live, Math.max(next, 1));
        return values;
    }

    float[] copyOf(AparapiWeight weight) {
        return Arrays.copyOfRange(values, weight.offset, weight.offset + weight.rows() * weight.cols());
    }
}
