package dev.imagine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    @Test
    void expIsWithinFourUlpOfStrictMathAndTheScalarTwinHasTheSameBits() {
        float[] x = new float[VectorMath.S.length()];
        float[] y = new float[x.length];
        for (float start = -87f; start < 88f; start += 0.37f) {
            for (int i = 0; i < x.length; i++) {
                x[i] = start + i * 0.0231f;
            }
            VectorMath.exp(FloatVector.fromArray(VectorMath.S, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                float expected = (float) StrictMath.exp(x[i]);
                assertThat((double) Math.abs(y[i] - expected)).as("exp(%s)", x[i])
                        .isLessThanOrEqualTo(4 * Math.ulp(expected));
                assertThat(Float.floatToRawIntBits(VectorMath.exp(x[i]))).as("scalar exp(%s)", x[i])
                        .isEqualTo(Float.floatToRawIntBits(y[i]));
            }
        }
    }

    @Test
    void expSaturatesInsteadOfOverflowingAndSiluAndGeluStayFinite() {
        assertThat(VectorMath.exp(Float.NEGATIVE_INFINITY)).isGreaterThanOrEqualTo(0f).isLessThan(1e-37f);
        assertThat(VectorMath.exp(1000f)).isFinite();
        assertThat(VectorMath.silu(-1000f)).isFinite();
        assertThat(VectorMath.gelu(-1000f)).isFinite();
        assertThat(VectorMath.gelu(1000f)).isEqualTo(1000f);
    }
}
