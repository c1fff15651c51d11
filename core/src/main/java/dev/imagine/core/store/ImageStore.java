package dev.imagine.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finished grids and previews on a local (or shared) file system, one file per key: {@code <root>/<key>.png}
 * (see {@link #gridKey} and {@link #previewKey}).
 * Writes go to a temporary file first and are renamed into place, so a reader never sees half a PNG
 * and a worker that dies mid-write leaves nothing a reader could serve.
 */
public final class ImageStore {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path root;

    public ImageStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * The id under which one attempt of a job stores its grid. Each attempt has its own, so a stale attempt (its job
     * taken back and done by another) can never overwrite the grid the job shows: the completing transaction alone
     * records which one that is.
     */
    public static String gridKey(String jobId, int attempt) {
        return jobId + "-a" + attempt;
    }

    /** The id under which one attempt stores its latest preview; the API serves the current attempt's only. */
    public static String previewKey(String jobId, int attempt) {
        return gridKey(jobId, attempt) + "-preview";
    }

    /** Stores the image under {@code key} and returns the name to record in the job. */
    public String put(String key, byte[] png) throws IOException {
        Path target = pathFor(key);
        Files.createDirectories(root);
        Path tmp = Files.createTempFile(root, key, ".tmp");
        try {
            Files.write(tmp, png);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target.getFileName().toString();
    }

    public Optional<InputStream> open(String key) throws IOException {
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root.normalize()) || !Files.isRegularFile(path)) {
            return Optional.empty();
        }
        return Optional.of(Files.newInputStream(path));
    }

    private Path pathFor(String key) {
        if (!SAFE_ID.matcher(key).matches()) {
            throw new IllegalArgumentException("image key '" + key + "' is not a safe file name");
        }
        return root.resolve(key + ".png");
    }
}
