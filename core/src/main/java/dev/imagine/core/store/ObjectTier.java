package dev.imagine.core.store;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One storage tier of the content-addressed image store: objects named by the SHA-256 of their bytes. A folder
 * ({@link FolderTier}) today; an S3-compatible bucket is another implementation of the same five operations.
 */
public interface ObjectTier {
    String name();

    Optional<byte[]> read(String sha256) throws IOException;

    /** Stores the bytes under their hash; {@code durable} forces them to disk before they get their name. */
    void write(String sha256, byte[] bytes, boolean durable) throws IOException;

    boolean delete(String sha256) throws IOException;

    /** The object's size and last access, or empty where this tier does not hold it. */
    Optional<StoredObject> stat(String sha256) throws IOException;

    /** Marks an access: the lifecycle ages objects by their last one. */
    void touch(String sha256, Instant when) throws IOException;

    List<StoredObject> list() throws IOException;

    record StoredObject(String sha256, long bytes, Instant lastAccess) {
    }
}
