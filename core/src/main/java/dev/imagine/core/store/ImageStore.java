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
 * Finished grids on a local (or shared) file system, one file per job: {@code <root>/<jobId>.png}.
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

    /** The id under which a job's latest preview is stored (a file name, like a grid's). */
    public static String previewKey(String jobId) {
        return jobId + "-preview";
    }

    /** Stores the grid and returns the key to record in the job. */
    public String put(String jobId, byte[] png) throws IOException {
        Path target = pathFor(jobId);
        Files.createDirectories(root);
        Path tmp = Files.createTempFile(root, jobId, ".tmp");
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

    private Path pathFor(String jobId) {
        if (!SAFE_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("job id '" + jobId + "' is not a safe file name");
        }
        return root.resolve(jobId + ".png");
    }
}
