package dev.imagine.kernels;

import java.nio.charset.StandardCharsets;

/**
 * The module's only random source: SplitMix64 (Steele, Lea, Flood 2014) plus Box-Muller normals.
 * Spelled out here, and using StrictMath, so weights and noise are bit-identical on every JDK and
 * machine, which java.util.Random's and Math's contracts do not promise.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        return mix(state += GOLDEN_GAMMA);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal via Box-Muller; the second value of each pair is kept for the next call. */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u1 = 1.0 - nextDouble(); // (0, 1]: log stays finite
        double u2 = nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double theta = 2.0 * StrictMath.PI * u2;
        spareGaussian = r * StrictMath.sin(theta);
        hasSpare = true;
        return r * StrictMath.cos(theta);
    }

    /** n normals times std, as floats. */
    public float[] gaussians(int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (nextGaussian() * std);
        }
        return out;
    }

    /** The SplitMix64 output function: a strong 64-bit bit mixer. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for a named sub-stream, so that streams never overlap or depend on call order. */
    public static long derive(long seed, long stream) {
        return mix(seed ^ mix(stream + GOLDEN_GAMMA));
    }

    public static long derive(long seed, String stream) {
        return derive(seed, fnv1a64(stream));
    }

    /** FNV-1a 64 over UTF-8: a stable string hash (String.hashCode is only 32 bits). */
    public static long fnv1a64(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= 0x100000001B3L;
        }
        return h;
    }
}
