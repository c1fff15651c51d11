package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import org.junit.jupiter.api.Test;

class FlopCountTest {
    @Test
    void xlWithoutCrossAttentionIsDitXl2sPublished118GigaMacsAt256() {
        long d = ModelPreset.XL.hiddenSize();
        long tokens = 256;
        // Our XL adds PixArt's cross-attention q and proj (2·D²·T multiply-adds per block); take them out.
        long crossLinears = ModelPreset.XL.depth() * 2L * (2 * tokens * d * d);
        long flops = FlopCount.ditForward(ModelPreset.XL, 1, 256, 0) - crossLinears;
        // Peebles & Xie report 118.6 Gflops for DiT-XL/2 at 256x256, counting a multiply-add once.
        assertThat(flops / 2.0).isCloseTo(118.6e9, withPercentage(1.5));
    }

    @Test
    void aGridCostsStepsTimesTheBatch8ForwardPlusDecodes() {
        long grid = FlopCount.grid(ModelPreset.SMALL, 128, 128, 20, 16);
        long forward = FlopCount.ditForward(ModelPreset.SMALL, 8, 64, 16);
        assertThat(grid).isGreaterThan(20 * forward).isLessThan(20 * forward + 4 * FlopCount.decoder(ModelPreset.SMALL, 128, 128)
                + FlopCount.textEncoder(ModelPreset.SMALL, 16) + FlopCount.textConditioning(ModelPreset.SMALL, 8, 16) + 1);
        assertThat(FlopCount.grid(ModelPreset.SMALL, 128, 128, 40, 16)).isGreaterThan(grid);
    }
}
