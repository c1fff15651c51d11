package dev.imagine.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendentals built only from IEEE-exact vector operations (add, mul, FMA, compare, integer shifts).
 *
 * <p>Why not {@code lanewise(EXP)}: the Vector API computes EXP with an intrinsic stub once C2 compiles
 * the caller and with a per-lane Java fallback before that, and the two may differ in the last bit; a
 * kernel's first calls (interpreted) and later ones (compiled) could then give different bits. These
 * polynomials give the same bits in every tier and on every machine.
 *
 * <p>exp: Cody-Waite range reduction x = n ln2 + r, |r| ≤ ln2/2, Cephes' degree-6 minimax polynomial
 * (max relative error about 2 ulp), then 2^n through the exponent bits. Inputs are clamped to
 * [-87, 88], so exp never returns 0 or infinity: callers that need an exact 0 (masked keys) mask it.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = MicroKernel.S;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds to the nearest integer. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    private static final float GELU_C = (float) StrictMath.sqrt(2.0 / StrictMath.PI);

    private VectorMath() {}

    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        IntVector bits = t.reinterpretAsInts().sub(ROUND_BITS).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector r = n.fma(c(-LN2_HI), x);
        r = n.fma(c(-LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, c(P2));
        p = p.fma(r, c(P3));
        p = p.fma(r, c(P4));
        p = p.fma(r, c(P5));
        p = p.fma(r.mul(r), r).add(1f);
        return p.mul(bits.reinterpretAsFloats());
    }

    private static FloatVector c(float value) {
        return FloatVector.broadcast(S, value);
    }

    /** x * sigmoid(x) = x / (1 + exp(-x)). */
    static FloatVector silu(FloatVector x) {
        return x.div(exp(x.neg()).add(1f));
    }

    /**
     * GELU, tanh form: 0.5 x (1 + tanh(u)) with u = c (x + 0.044715 x^3), computed as x / (1 + exp(-2u))
     * (the same function, without the cancellation of 1 + tanh near -1).
     */
    static FloatVector gelu(FloatVector x) {
        FloatVector u = x.mul(x).fma(0.044715f, 1f).mul(x).mul(-2f * GELU_C);
        return x.div(exp(u).add(1f));
    }

    /** Scalar twins for loop tails, with the same operations in the same order (so the same bits). */
    static float exp(float x) {
        x = Math.min(Math.max(x, -87f), 88f);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUND_BITS + 127) << 23);
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * scale;
    }

    static float silu(float x) {
        return x / (exp(-x) + 1f);
    }

    static float gelu(float x) {
        float u = Math.fma(x * x, 0.044715f, 1f) * x * (-2f * GELU_C);
        return x / (exp(u) + 1f);
    }

    /** Sum of the lanes in lane order (reduceLanes(ADD) leaves the order to the implementation). */
    static float sumLanes(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        float s = 0f;
        for (int i = 0; i < S.length(); i++) {
            s += scratch[i];
        }
        return s;
    }
}
