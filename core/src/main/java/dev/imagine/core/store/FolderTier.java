package dev.imagine.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A tier on a file system: {@code <root>/<ab>/<cd>/<sha256>}, two levels of 256 shards so that no folder holds more
 * than a few thousand objects at a hundred million images. Writes go to a temporary name in the shard, are forced to
 * disk when durable, and are renamed into place: a reader never sees half an object, a crash leaves only a
 * temporary file. The file's modification time is the object's last access.
 */
public final class FolderTier implements ObjectTier {
    private final String name;
    private final Path root;

    public FolderTier(String name, Path root) {
        this.name = name;
        this.root = root;
    }

    @Override
    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    Path pathOf(String sha256) {
        ContentHash.require(sha256);
        return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    @Override
    public Optional<byte[]> read(String sha256) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(pathOf(sha256)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void write(String sha256, byte[] bytes, boolean durable) throws IOException {
        Path target = pathOf(sha256);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), sha256.substring(0, 16), ".tmp");
        try {
            Files.write(tmp, bytes);
            if (durable) {
                try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
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
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        return Files.deleteIfExists(pathOf(sha256));
    }

    @Override
    public Optional<StoredObject> stat(String sha256) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(pathOf(sha256), BasicFileAttributes.class);
            return Optional.of(new StoredObject(sha256, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void touch(String sha256, Instant when) throws IOException {
        try {
            Files.setLastModifiedTime(pathOf(sha256), FileTime.from(when));
        } catch (NoSuchFileException movedMeanwhile) {
            // the lifecycle moved it between the read and the touch: the other tier has it
        }
    }

    @Override
    public List<StoredObject> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 3)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                if (ContentHash.isHash(fileName)) {
                    try {
                        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                        objects.add(new StoredObject(fileName, attributes.size(), attributes.lastModifiedTime().toInstant()));
                    } catch (NoSuchFileException movedMeanwhile) {
                        // moved or deleted since the walk listed it
                    }
                }
            }
        }
        return objects;
    }
}
