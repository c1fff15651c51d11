package dev.imagine.kernels.cpu;

/**
 * Bilinear 2x upsample (align_corners=false), one task per block of channels. Memory-bound: plain
 * scalar loops with the reference's weights and order (so the same bits as the reference), the source
 * rows and columns of each output row picked once per row instead of per pixel.
 */
final class UpsampleJob implements WorkerPool.Task {
    private static final int PLANES_PER_TASK_MIN_FLOATS = 64 * 1024;

    private final WorkerPool pool;
    private float[] in;
    private float[] out;
    private int channels;
    private int h;
    private int w;
    private int perTask;

    UpsampleJob(WorkerPool pool) {
        this.pool = pool;
    }

    void run(float[] in, int channels, int h, int w, float[] out) {
        this.in = in;
        this.out = out;
        this.channels = channels;
        this.h = h;
        this.w = w;
        this.perTask = Math.max(1, PLANES_PER_TASK_MIN_FLOATS / Math.max(1, 4 * h * w));
        int tasks = (channels + perTask - 1) / perTask;
        try {
            pool.run(tasks, this, (long) channels * h * w * 4 >= 2L * PLANES_PER_TASK_MIN_FLOATS);
        } finally {
            this.in = null;
            this.out = null;
        }
    }

    @Override
    public void run(int task, int worker) {
        int c1 = Math.min(channels, (task + 1) * perTask);
        for (int c = task * perTask; c < c1; c++) {
            plane(c);
        }
    }

    private void plane(int c) {
        int ow = 2 * w;
        int oh = 2 * h;
        int src = c * h * w;
        int dst = c * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            int y0 = oy >> 1;
            // Even outputs sit a quarter pixel before their source, odd ones a quarter after.
            int y1 = (oy & 1) == 0 ? Math.max(y0 - 1, 0) : Math.min(y0 + 1, h - 1);
            int r0 = src + y0 * w;
            int r1 = src + y1 * w;
            int o = dst + oy * ow;
            for (int x0 = 0; x0 < w; x0++) {
                int left = Math.max(x0 - 1, 0);
                int right = Math.min(x0 + 1, w - 1);
                float a0 = in[r0 + x0];
                float b0 = in[r1 + x0];
                float top = 0.75f * a0 + 0.25f * in[r0 + left];
                float bottom = 0.75f * b0 + 0.25f * in[r1 + left];
                out[o + 2 * x0] = 0.75f * top + 0.25f * bottom;
                top = 0.75f * a0 + 0.25f * in[r0 + right];
                bottom = 0.75f * b0 + 0.25f * in[r1 + right];
                out[o + 2 * x0 + 1] = 0.75f * top + 0.25f * bottom;
            }
        }
    }
}
