package dev.imagine.core.store;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Grids and previews in a content-addressed store: every object is named by the SHA-256 of its bytes, so an image
 * made twice is stored once, and every read checks the bytes against the name (a corrupt object is reported, never
 * served). Objects live in one of three tiers, hottest first ({@code <root>/hot}, {@code warm}, {@code cold}); the
 * {@link #applyLifecycle lifecycle} moves them colder by age since last access and a read moves them back to hot.
 * A move writes the destination before it deletes the source, so an object is always in some tier.
 *
 * <p>Who refers to an object is kept beside the tiers, one empty file per referrer under
 * {@code <root>/refs/<ab>/<sha256>/}: it counts what de-duplication saved, and lets a finished job's previews go.
 */
public final class ImageStore {
    /** Names written before the store was content-addressed ({@code <job>-a<n>-<sha256>.png}, in the root). */
    private static final Pattern LEGACY = Pattern.compile("[A-Za-z0-9_-]{1,128}-([0-9a-f]{64})\\.png");
    private static final Pattern REFERRER = Pattern.compile("[A-Za-z0-9_-]{1,160}");
    private static final String PREVIEW = "-preview";

    private final Path root;
    private final List<ObjectTier> tiers;
    private final Path refs;
    private final Clock clock;

    public ImageStore(Path root) {
        this(root, Clock.systemUTC());
    }

    public ImageStore(Path root, Clock clock) {
        this(root, List.of(new FolderTier("hot", root.resolve("hot")), new FolderTier("warm", root.resolve("warm")),
                new FolderTier("cold", root.resolve("cold"))), clock);
    }

    /** @param tiers hottest first; writes go to the first */
    public ImageStore(Path root, List<ObjectTier> tiers, Clock clock) {
        this.root = root;
        this.tiers = List.copyOf(tiers);
        this.refs = root.resolve("refs");
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    public List<ObjectTier> tiers() {
        return tiers;
    }

    /** Who refers to one attempt's grid. Each attempt has its own, so a stale attempt never shares a job's record. */
    public static String gridReferrer(String jobId, int attempt) {
        return jobId + "-a" + attempt;
    }

    public static String previewReferrer(String jobId, int attempt) {
        return gridReferrer(jobId, attempt) + PREVIEW;
    }

    /** Stores one attempt's grid, forced to disk before it has its name; returns its hash, to record in the job. */
    public String putGrid(String jobId, int attempt, byte[] png) throws IOException {
        return put(png, gridReferrer(jobId, attempt), true);
    }

    /** A preview: not forced to disk (losing one costs nothing) and deleted once its job is finished. */
    public String putPreview(String jobId, int attempt, byte[] png) throws IOException {
        return put(png, previewReferrer(jobId, attempt), false);
    }

    /**
     * Stores {@code bytes} for {@code referrer} and returns their hash. The reference is written first, then the
     * object unless some tier already holds it (de-duplication): an object is never without the reference that made it.
     */
    public String put(byte[] bytes, String referrer, boolean durable) throws IOException {
        String hash = ContentHash.of(bytes);
        addReference(hash, referrer);
        for (ObjectTier tier : tiers) {
            if (tier.stat(hash).isPresent()) {
                tier.touch(hash, clock.instant());
                return hash;
            }
        }
        tiers.getFirst().write(hash, bytes, durable);
        tiers.getFirst().touch(hash, clock.instant());
        return hash;
    }

    /** A stored image and the SHA-256 of its bytes. */
    public record Image(byte[] bytes, String sha256) {
    }

    /**
     * The object named by {@code key} (its hash, or a name from before content addressing that ends in it), read whole
     * and checked against the hash. Found in a colder tier, it moves back to hot.
     *
     * @throws CorruptImageException if the bytes do not match the hash
     */
    public Optional<Image> read(String key) throws IOException {
        String hash = hashOf(key);
        if (hash == null) {
            return Optional.empty();
        }
        for (int i = 0; i < tiers.size(); i++) {
            ObjectTier tier = tiers.get(i);
            Optional<byte[]> bytes = tier.read(hash);
            if (bytes.isPresent()) {
                verify(key, hash, bytes.get());
                if (i > 0) {
                    promote(tier, hash, bytes.get());
                } else {
                    tier.touch(hash, clock.instant());
                }
                return Optional.of(new Image(bytes.get(), hash));
            }
        }
        return readLegacy(key, hash);
    }

    private Optional<Image> readLegacy(String key, String hash) throws IOException {
        if (!LEGACY.matcher(key).matches()) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(root.resolve(key));
            verify(key, hash, bytes);
            return Optional.of(new Image(bytes, hash));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void verify(String key, String hash, byte[] bytes) throws CorruptImageException {
        String actual = ContentHash.of(bytes);
        if (!actual.equals(hash)) {
            throw new CorruptImageException(key, hash, actual);
        }
    }

    /** The hash a key names: the key itself, or the hash at the end of a legacy name; null for anything else. */
    static String hashOf(String key) {
        if (ContentHash.isHash(key)) {
            return key;
        }
        Matcher legacy = key == null ? null : LEGACY.matcher(key);
        return legacy != null && legacy.matches() ? legacy.group(1) : null;
    }

    private void promote(ObjectTier from, String hash, byte[] bytes) throws IOException {
        tiers.getFirst().write(hash, bytes, true);
        tiers.getFirst().touch(hash, clock.instant());
        from.delete(hash);
    }

    /**
     * Drops {@code referrer}'s reference; the object goes when nobody refers to it any more. Only for scratch
     * objects (previews): a grid is kept for ever.
     */
    public boolean release(String hash, String referrer) throws IOException {
        Path folder = referencesOf(hash);
        Files.deleteIfExists(folder.resolve(referrer));
        try {
            Files.deleteIfExists(folder);
        } catch (DirectoryNotEmptyException stillReferred) {
            return false;
        }
        boolean deleted = false;
        for (ObjectTier tier : tiers) {
            deleted |= tier.delete(hash);
        }
        return deleted;
    }

    private void addReference(String hash, String referrer) throws IOException {
        if (!REFERRER.matcher(referrer).matches()) {
            throw new IllegalArgumentException("referrer '" + referrer + "' is not a safe file name");
        }
        Path folder = referencesOf(hash);
        Files.createDirectories(folder);
        Path reference = folder.resolve(referrer);
        if (!Files.exists(reference)) {
            Files.createFile(reference);
        }
    }

    private Path referencesOf(String hash) {
        ContentHash.require(hash);
        return refs.resolve(hash.substring(0, 2)).resolve(hash);
    }

    /** Who stored this object (grid and preview referrers); empty for an object nobody refers to. */
    public List<String> referrers(String hash) throws IOException {
        try (Stream<Path> files = Files.list(referencesOf(hash))) {
            return files.map(path -> path.getFileName().toString()).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Per tier: objects, bytes, and bytes de-duplication saved (an object referred to n times saves n − 1 copies). */
    public record TierStats(String tier, long objects, long bytes, long savedBytes) {
    }

    public List<TierStats> stats() throws IOException {
        List<TierStats> stats = new ArrayList<>();
        for (ObjectTier tier : tiers) {
            long objects = 0;
            long bytes = 0;
            long saved = 0;
            for (ObjectTier.StoredObject object : tier.list()) {
                objects++;
                bytes += object.bytes();
                saved += object.bytes() * Math.max(0, referrers(object.sha256()).size() - 1);
            }
            stats.add(new TierStats(tier.name(), objects, bytes, saved));
        }
        return stats;
    }

    /** What one lifecycle pass did. */
    public record LifecycleReport(int movedColder, int previewsDeleted, int corrupt) {
    }

    /**
     * One pass of the lifecycle: each object not read for longer than its tier's age limit moves one tier colder,
     * and previews nobody reads any more (their jobs are long finished, or their workers died) are deleted.
     */
    public LifecycleReport applyLifecycle(LifecycleRules rules) throws IOException {
        Instant now = clock.instant();
        int moved = 0;
        int previews = 0;
        int corrupt = 0;
        // Coldest first, so that an object moved in this pass is not looked at again: one tier per pass.
        for (int i = tiers.size() - 1; i >= 0; i--) {
            ObjectTier tier = tiers.get(i);
            for (ObjectTier.StoredObject object : tier.list()) {
                boolean idlePreviewAge = object.lastAccess().isBefore(now.minus(rules.previewsAfter()));
                boolean dueColder = i + 1 < tiers.size() && object.lastAccess().isBefore(now.minus(rules.ageLimit(i)));
                if (!idlePreviewAge && !dueColder) {
                    continue;
                }
                List<String> referrers = referrers(object.sha256());
                if (idlePreviewAge && !referrers.isEmpty() && referrers.stream().allMatch(r -> r.endsWith(PREVIEW))) {
                    for (String referrer : referrers) {
                        release(object.sha256(), referrer);
                    }
                    previews++;
                    continue;
                }
                if (dueColder) {
                    Optional<byte[]> bytes = tier.read(object.sha256());
                    if (bytes.isEmpty()) {
                        continue;
                    }
                    if (!ContentHash.of(bytes.get()).equals(object.sha256())) {
                        corrupt++;
                        continue;
                    }
                    ObjectTier colder = tiers.get(i + 1);
                    colder.write(object.sha256(), bytes.get(), true);
                    colder.touch(object.sha256(), object.lastAccess());
                    tier.delete(object.sha256());
                    moved++;
                }
            }
        }
        return new LifecycleReport(moved, previews, corrupt);
    }
}
