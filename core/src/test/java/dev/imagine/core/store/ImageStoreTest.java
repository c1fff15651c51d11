package dev.imagine.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grids carry the SHA-256 of their bytes in their name; every read checks it, so a corrupt grid is never served. */
class ImageStoreTest {
    @TempDir
    Path dir;

    @Test
    void aGridIsNamedByItsAttemptAndItsHashAndReadBackChecked() throws Exception {
        ImageStore images = new ImageStore(dir);
        byte[] png = "a grid".getBytes(StandardCharsets.UTF_8);

        String name = images.putGrid("job-1", 2, png);

        assertThat(name).isEqualTo("job-1-a2-" + ImageStore.sha256(png) + ".png");
        ImageStore.Image read = images.read(name).orElseThrow();
        assertThat(read.bytes()).isEqualTo(png);
        assertThat(read.sha256()).isEqualTo(ImageStore.sha256(png)).hasSize(64);
        assertThat(images.read("job-1-a3-" + ImageStore.sha256(png) + ".png")).isEmpty();
        assertThat(dir.toFile().list()).containsExactly(name);
    }

    @Test
    void aGridWhoseBytesNoLongerMatchItsNameIsRefused() throws Exception {
        ImageStore images = new ImageStore(dir);
        String name = images.putGrid("job-2", 1, "the real grid".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve(name), "bit rot");

        assertThatThrownBy(() -> images.read(name)).isInstanceOf(CorruptImageException.class)
                .hasMessageContaining(name).hasMessageContaining("corrupt");
    }
}
