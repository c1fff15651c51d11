package dev.imagine.kernels.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsF32ExactlyAndF16AndBf16ToTheirPrecision() throws Exception {
        float[] values = {0f, 1f, -2.5f, 3.14159f, 1e-3f, 65000f};
        Path file = dir.resolve("t.safetensors");
        new SafeTensorsWriter()
                .put("a.f32", values, DType.F32, 2, 3)
                .put("a.f16", values, DType.F16, 6)
                .put("a.bf16", values, DType.BF16, 3, 2)
                .putInts("ids", new int[] {1, 2, 3}, 3)
                .metadata("format", "pt")
                .write(file);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertThat(f.names()).containsExactlyInAnyOrder("a.f32", "a.f16", "a.bf16", "ids");
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.floats("a.f32", 2, 3)).containsExactly(values);
            float[] f16 = f.floats("a.f16", 6);
            float[] bf16 = f.floats("a.bf16");
            for (int i = 0; i < values.length; i++) {
                assertThat(f16[i]).isCloseTo(values[i], org.assertj.core.data.Percentage.withPercentage(0.1));
                assertThat(bf16[i]).isCloseTo(values[i], org.assertj.core.data.Percentage.withPercentage(0.8));
            }
            assertThat(f.ints("ids", 3)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void sameTensorsGiveTheSameBytes() throws Exception {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        new SafeTensorsWriter().put("z", new float[] {1}, 1).put("y", new float[] {2, 3}, 2).write(a);
        new SafeTensorsWriter().put("y", new float[] {2, 3}, 2).put("z", new float[] {1}, 1).write(b);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void wrongShapeNamesTheTensorTheExpectedAndTheFoundShape() throws Exception {
        Path file = dir.resolve("w.safetensors");
        new SafeTensorsWriter().put("blocks.0.attn.qkv.weight", new float[6], 3, 2).write(file);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertThatThrownBy(() -> f.floats("blocks.0.attn.qkv.weight", 2, 3))
                    .isInstanceOf(WeightsException.class)
                    .hasMessageContaining("blocks.0.attn.qkv.weight")
                    .hasMessageContaining("has shape [3, 2], expected [2, 3]");
            assertThatThrownBy(() -> f.floats("blocks.0.attn.proj.weight"))
                    .hasMessageContaining("no tensor 'blocks.0.attn.proj.weight'");
        }
    }

    @Test
    void unsupportedDtypeAndTruncatedFilesAreNamed() throws Exception {
        Path f64 = dir.resolve("f64.safetensors");
        writeRaw(f64, "{\"x\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafeTensorsFile.open(f64))
                .isInstanceOf(WeightsException.class)
                .hasMessageContaining("tensor 'x' has dtype F64")
                .hasMessageContaining("supported: F32, F16, BF16, I32");
        Path truncated = dir.resolve("short.safetensors");
        writeRaw(truncated, "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafeTensorsFile.open(truncated)).hasMessageContaining("truncated or corrupt");
        Path notSafetensors = dir.resolve("model.bin");
        Files.writeString(notSafetensors, "PK\u0003\u0004 this is a zip of pickles");
        assertThatThrownBy(() -> SafeTensorsFile.open(notSafetensors)).hasMessageContaining("is it a .safetensors file?");
    }

    private static void writeRaw(Path file, String header, int dataBytes) throws Exception {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        Files.write(file, buffer.array());
    }
}
