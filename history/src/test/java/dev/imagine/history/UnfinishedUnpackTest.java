package dev.imagine.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first {@code up} stopped while zonky unpacked PostgreSQL left a PG folder without its ".exists" marker, and every
 * later start died on the first file it found there (FileAlreadyExistsException): found by killing {@code up} three
 * seconds into its first start. Such a folder is removed before the start; a finished one, or one being unpacked
 * right now, is left alone.
 */
class UnfinishedUnpackTest {
    @TempDir
    Path binaries;

    @Test
    void anUnpackKilledHalfWayIsRemovedAndFinishedOrBusyOnesAreKept() throws Exception {
        Path killed = Files.createDirectories(binaries.resolve("PG-killed/lib"));
        Files.writeString(killed.resolve("libicuuc.so"), "half");
        Path done = Files.createDirectories(binaries.resolve("PG-done/lib"));
        Files.writeString(binaries.resolve("PG-done/.exists"), "");
        Path busy = Files.createDirectories(binaries.resolve("PG-busy/lib"));

        try (FileChannel channel = FileChannel.open(binaries.resolve("PG-busy/epg-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock unpacking = channel.lock()) {
            EmbeddedDatabase.discardUnfinishedUnpacks(binaries);
        }

        assertThat(binaries.resolve("PG-killed")).doesNotExist();
        assertThat(done).isDirectory();
        assertThat(busy).isDirectory();
    }
}
