package dev.imagine.kernels.gpu;

import dev.imagine.kernels.ops.Weight;

/**
 * A weight [rows][cols] held in its backend's {@link WeightArena} (on the device), not on the Java side:
 * {@link #original()} copies it back out. The offset moves when the arena compacts; both are guarded by
 * the owning backend's lock.
 */
final class AparapiWeight implements Weight {
    private final AparapiTensorOps owner;
    private final int rows;
    private final int cols;
    int offset;

    AparapiWeight(AparapiTensorOps owner, int offset, int rows, int cols) {
        this.owner = owner;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
    }

    AparapiTensorOps owner() {
        return owner;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public float[] original() {
        return owner.copyOf(this);
    }

    @Override
    public String toString() {
        return "AparapiWeight[" + rows + "x" + cols + " at " + offset + "]";
    }
}
