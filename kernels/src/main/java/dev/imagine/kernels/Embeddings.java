package dev.imagine.kernels;

/** The fixed (non-learned) sinusoidal embeddings of DiT. */
final class Embeddings {

    private static final double MAX_PERIOD = 10_000.0;

    private Embeddings() {}

    /**
     * DiT's timestep embedding: [cos(t * f_i), sin(t * f_i)] with f_i = 10000^(-i / (dim/2)).
     * t is on the 0..1000 scale for both samplers.
     */
    static void timestep(double t, int dim, float[] out) {
        int half = dim / 2;
        for (int i = 0; i < half; i++) {
            double freq = StrictMath.exp(-StrictMath.log(MAX_PERIOD) * i / half);
            double arg = t * freq;
            out[i] = (float) StrictMath.cos(arg);
            out[half + i] = (float) StrictMath.sin(arg);
        }
    }

    /**
     * MAE/DiT 2-D sin-cos positional embedding for a gridH x gridW token grid: the first half of
     * each vector encodes the column, the second half the row, each as [sin, cos] over dim/4
     * frequencies. Returns [gridH * gridW][dim].
     */
    static float[] position2d(int gridH, int gridW, int dim) {
        float[] out = new float[gridH * gridW * dim];
        int quarter = dim / 4;
        for (int y = 0; y < gridH; y++) {
            for (int x = 0; x < gridW; x++) {
                int o = (y * gridW + x) * dim;
                for (int i = 0; i < quarter; i++) {
                    double omega = 1.0 / StrictMath.pow(MAX_PERIOD, (double) i / quarter);
                    out[o + i] = (float) StrictMath.sin(x * omega);
                    out[o + quarter + i] = (float) StrictMath.cos(x * omega);
                    out[o + 2 * quarter + i] = (float) StrictMath.sin(y * omega);
                    out[o + 3 * quarter + i] = (float) StrictMath.cos(y * omega);
                }
            }
        }
        return out;
    }
}
