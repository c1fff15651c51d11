package dev.imagine.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatmulTilingTest {
    @Test
    void aTilesRowsTakeAboutHalfOfL2InWholeMicroTiles() {
        MatmulTiling tall = new MatmulTiling(14, 2L << 20, "test");
        assertThat(tall.rowBlock(1152)).isEqualTo(224); // 227 rows fit: 16 micro-tiles
        assertThat(tall.rowBlock(4608)).isEqualTo(56); // 56.9: 4 micro-tiles
        assertThat(tall.rowBlock(64)).isEqualTo(MatmulTiling.MAX_GROUPS * 14);
        assertThat(tall.rowBlock(1 << 20)).as("never below one micro-tile").isEqualTo(14);
        MatmulTiling avx2 = new MatmulTiling(6, 1L << 20, "test");
        assertThat(avx2.rowBlock(1152)).isEqualTo(96); // 113 rows fit: 16 micro-tiles of 6
        assertThat(avx2.rowBlock(4608)).isEqualTo(24);
    }

    @Test
    void aDeepAIsCutIntoEqualSlicesAtWhichAFullRowBlockFitsL2() {
        long fit = MatmulTiling.fittingSlice(14, 1L << 20); // 585: 16 micro-tiles of 14 rows take half of 1 MiB
        assertThat(fit).isEqualTo(585);
        MatmulTiling zen4 = new MatmulTiling(14, 1L << 20, fit, "test");
        assertThat(zen4.depthSlice(576)).isEqualTo(576);
        assertThat(zen4.depthSlice(1152)).as("within twice the fit: whole").isEqualTo(1152);
        assertThat(zen4.depthSlice(1171)).as("just past twice the fit: three slices").isEqualTo(391);
        assertThat(zen4.depthSlice(4608)).isEqualTo(576);
        assertThat(zen4.depthSlice(4609)).as("equal slices, none deeper than the fit").isEqualTo(577);
        assertThat(zen4.rowBlock(zen4.depthSlice(4608))).isEqualTo(224);
        assertThat(MatmulTiling.fittingSlice(14, 64L << 10)).as("never below the shortest slice")
                .isEqualTo(MatmulTiling.MIN_SLICE);
        assertThat(new MatmulTiling(14, 1L << 20, 0, "test").depthSlice(4608)).as("0: never sliced").isEqualTo(4608);
    }

    @Test
    void readsTheLevel2CacheFromSysfs(@TempDir Path dir) throws Exception {
        write(dir.resolve("index0"), "1", "48K");
        write(dir.resolve("index1"), "1", "32K");
        write(dir.resolve("index2"), "2", "2048K");
        write(dir.resolve("index3"), "3", "260M");
        assertThat(MatmulTiling.l2FromSysfs(dir)).isEqualTo(2L << 20);
        assertThat(MatmulTiling.l2FromSysfs(dir.resolve("absent"))).isZero();
        assertThat(MatmulTiling.parseSize("1M")).isEqualTo(1L << 20);
        assertThat(MatmulTiling.parseSize("512")).isEqualTo(512);
    }

    @Test
    void theHostTilingUsesEveryVectorRegisterItHas() {
        int expected = MicroKernel.S.vectorBitSize() >= 512 ? TallMicroKernel.MR : MicroKernel.MR;
        assertThat(MatmulTiling.HOST.microRows()).isEqualTo(expected);
        assertThat(new VectorTensorOps(1).executionMode().toString()).contains(expected + "x" + MicroKernel.NR);
    }

    private static void write(Path index, String level, String size) throws Exception {
        Files.createDirectories(index);
        Files.writeString(index.resolve("level"), level + "\n");
        Files.writeString(index.resolve("size"), size + "\n");
    }
}
