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
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** A grid's name ends with the SHA-256 of its bytes: what reads check, and the HTTP entity tag. */
    private static final Pattern HASHED = Pattern.compile(".*-([0-9a-f]{64})\\.png");

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

    /**
     * Stores one attempt's grid under its key and the SHA-256 of its bytes ({@code <id>-a<n>-<sha256>.png}) and returns
     * that name, to record in the job. The hash in the name lets every read check the bytes (a corrupt or truncated
     * file is never served) and is the grid's entity tag.
     */
    public String putGrid(String jobId, int attempt, byte[] png) throws IOException {
        return write(gridKey(jobId, attempt) + "-" + sha256(png), png, true);
    }

    /** A stored image and the SHA-256 of its bytes. */
    public record Image(byte[] bytes, String sha256) {
    }

    /**
     * The image under {@code key}, read whole and, for a name that carries its hash, checked against it.
     *
     * @throws CorruptImageException if the bytes do not match the name's hash
     */
    public Optional<Image> read(String key) throws IOException {
        Optional<InputStream> in = open(key);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream stream = in.get()) {
            bytes = stream.readAllBytes();
        }
        String actual = sha256(bytes);
        java.util.regex.Matcher hashed = HASHED.matcher(key);
        if (hashed.matches() && !hashed.group(1).equals(actual)) {
            throw new CorruptImageException(key, hashed.group(1), actual);
        }
        return Optional.of(new Image(bytes, actual));
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    /** The id under which one attempt stores its latest preview; the API serves the current attempt's only. */
    public static String previewKey(String jobId, int attempt) {
        return gridKey(jobId, attempt) + "-preview";
    }

    /** Stores a scratch image (a preview) under {@code key}; not forced to disk: losing one costs nothing. */
    public String put(String key, byte[] png) throws IOException {
        return write(key, png, false);
    }

    private String write(String key, byte[] png, boolean durable) throws IOException {
        Path target = pathFor(key);
        Files.createDirectories(root);
        Path tmp = Files.createTempFile(root, key.length() > 40 ? key.substring(0, 40) : key, ".tmp");
        try {
            Files.write(tmp, png);
            if (durable) {
                // On disk before it has a name: a crash can leave a temporary file, never a named, partial grid.
                try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(tmp,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
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
