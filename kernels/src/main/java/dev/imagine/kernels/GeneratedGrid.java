package dev.imagine.kernels;

/**
 * The finished 2x2 grid.
 *
 * @param png           the grid encoded as PNG
 * @param width         grid width in pixels (twice the image width)
 * @param height        grid height in pixels (twice the image height)
 * @param steps         sampler steps that were run
 * @param elapsedMillis wall time of the generate call
 * @param latents       the four images' final latents, image after image (what a variation starts from); may be empty
 */
public record GeneratedGrid(byte[] png, int width, int height, int steps, long elapsedMillis, float[] latents) {

    public GeneratedGrid(byte[] png, int width, int height, int steps, long elapsedMillis) {
        this(png, width, height, steps, elapsedMillis, new float[0]);
    }

    /** Image {@code index}'s (0–3) latents. */
    public float[] imageLatents(int index) {
        int per = latents.length / InitialNoise.IMAGES;
        return java.util.Arrays.copyOfRange(latents, index * per, (index + 1) * per);
    }

    /** Latents as little-endian floats, for the image store. */
    public static byte[] encode(float[] latents) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4 * latents.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(latents);
        return buffer.array();
    }

    public static float[] decode(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
