package dev.imagine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.kernels.ops.ScalarTensorOps;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UpscalerTest {
    private final ModelStore store = new ModelStore(Path.of(System.getProperty(ModelStore.PROPERTY, "target/models")));

    @Test
    void doublesTheSizeStaysCloseToTheImageAndIsDeterministic() {
        Upscaler upscaler = ModelRegistry.upscaler(ScalarTensorOps.INSTANCE, store);
        int w = 24;
        int h = 16;
        int[] rgb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[y * w + x] = ((x * 10) << 16) | ((y * 15) << 8) | 128;
            }
        }
        int[] big = upscaler.upscale(rgb, w, h);
        assertThat(big).hasSize(4 * w * h).isEqualTo(upscaler.upscale(rgb, w, h));
        // A pixel of the 2x image sits near the source pixel it came from (bilinear base + small residual).
        int source = rgb[5 * w + 7];
        int up = big[(2 * 5) * (2 * w) + 2 * 7];
        assertThat(Math.abs(((up >> 16) & 0xff) - ((source >> 16) & 0xff))).isLessThan(24);
        assertThat(Math.abs((up & 0xff) - 128)).isLessThan(24);

        byte[] png = upscaler.upscalePng(GridImage.png(rgb, w, h));
        BufferedImage decoded = GridImage.read(png);
        assertThat(decoded.getWidth()).isEqualTo(2 * w);
        assertThat(decoded.getHeight()).isEqualTo(2 * h);
    }
}
