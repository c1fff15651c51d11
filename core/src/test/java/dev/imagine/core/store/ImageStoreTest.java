package dev.imagine.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content-addressed store on real folders: objects named by their hash (stored once however often they are
 * made), every read checked, tiers moved by the lifecycle and promoted by a read, previews deleted.
 */
class ImageStoreTest {
    private static final LifecycleRules RULES = new LifecycleRules(Duration.ofDays(30), Duration.ofDays(180),
            Duration.ofHours(1));

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

    @Test
    void aGridIsNamedByItsHashShardedAndReadBackChecked() throws Exception {
        ImageStore images = new ImageStore(dir, clock);
        byte[] png = bytes("a grid");

        String hash = images.putGrid("job-1", 2, png);

        assertThat(hash).isEqualTo(ContentHash.of(png)).hasSize(64);
        assertThat(dir.resolve("hot").resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash))
                .hasBinaryContent(png);
        ImageStore.Image read = images.read(hash).orElseThrow();
        assertThat(read.bytes()).isEqualTo(png);
        assertThat(read.sha256()).isEqualTo(hash);
        assertThat(images.read(ContentHash.of(bytes("never stored")))).isEmpty();
        assertThat(images.read("../../etc/passwd")).isEmpty();
    }

    @Test
    void theSameImageMadeTwiceIsStoredOnceAndCountedAsSaved() throws Exception {
        ImageStore images = new ImageStore(dir, clock);
        byte[] png = bytes("the same colour field, twice");

        String first = images.putGrid("job-1", 1, png);
        String second = images.putGrid("job-2", 1, png);
        images.putGrid("job-3", 1, bytes("another"));

        assertThat(second).isEqualTo(first);
        ImageStore.TierStats hot = images.stats().getFirst();
        assertThat(hot.objects()).isEqualTo(2);
        assertThat(hot.bytes()).isEqualTo(png.length + "another".length());
        assertThat(hot.savedBytes()).isEqualTo(png.length);
        assertThat(images.referrers(first)).containsExactlyInAnyOrder("job-1-a1", "job-2-a1");
    }

    @Test
    void anObjectWhoseBytesNoLongerMatchItsHashIsRefused() throws Exception {
        ImageStore images = new ImageStore(dir, clock);
        String hash = images.putGrid("job-2", 1, bytes("the real grid"));
        Files.writeString(new FolderTier("hot", dir.resolve("hot")).pathOf(hash), "bit rot");

        assertThatThrownBy(() -> images.read(hash)).isInstanceOf(CorruptImageException.class)
                .hasMessageContaining(hash).hasMessageContaining("corrupt");
    }

    @Test
    void theLifecycleMovesIdleObjectsColderAndAReadBringsThemBackHot() throws Exception {
        ImageStore images = new ImageStore(dir, clock);
        String old = images.putGrid("job-old", 1, bytes("old grid"));
        clock.advance(Duration.ofDays(20));
        String recent = images.putGrid("job-new", 1, bytes("new grid"));
        clock.advance(Duration.ofDays(11));

        ImageStore.LifecycleReport first = images.applyLifecycle(RULES);

        assertThat(first.movedColder()).isEqualTo(1);
        assertThat(tierOf(images, old)).isEqualTo("warm");
        assertThat(tierOf(images, recent)).isEqualTo("hot");

        clock.advance(Duration.ofDays(181));
        images.applyLifecycle(RULES);
        assertThat(tierOf(images, old)).isEqualTo("cold");
        assertThat(tierOf(images, recent)).isEqualTo("warm");
        assertThat(images.stats()).extracting(ImageStore.TierStats::objects).containsExactly(0L, 1L, 1L);

        assertThat(images.read(old).orElseThrow().bytes()).isEqualTo(bytes("old grid"));
        assertThat(tierOf(images, old)).isEqualTo("hot");
        // promoted with a fresh access time: the next pass leaves it hot
        images.applyLifecycle(RULES);
        assertThat(tierOf(images, old)).isEqualTo("hot");
    }

    @Test
    void previewsNobodyReadsAnyMoreAreDeletedGridsNever() throws Exception {
        ImageStore images = new ImageStore(dir, clock);
        String preview = images.putPreview("job-1", 1, bytes("step 10"));
        String released = images.putPreview("job-1", 1, bytes("step 20"));
        String grid = images.putGrid("job-1", 1, bytes("the grid"));

        assertThat(images.release(released, ImageStore.previewReferrer("job-1", 1))).isTrue();
        assertThat(images.read(released)).isEmpty();

        clock.advance(Duration.ofHours(2));
        ImageStore.LifecycleReport report = images.applyLifecycle(RULES);

        assertThat(report.previewsDeleted()).isEqualTo(1);
        assertThat(images.read(preview)).isEmpty();
        assertThat(images.read(grid)).isPresent();
    }

    @Test
    void gridsStoredBeforeContentAddressingAreStillServedAndChecked() throws Exception {
        byte[] png = bytes("a grid from the old layout");
        String legacy = "job-9-a1-" + ContentHash.of(png) + ".png";
        Files.createDirectories(dir);
        Files.write(dir.resolve(legacy), png);
        ImageStore images = new ImageStore(dir, clock);

        assertThat(images.read(legacy).orElseThrow().bytes()).isEqualTo(png);
        Files.writeString(dir.resolve(legacy), "rot");
        assertThatThrownBy(() -> images.read(legacy)).isInstanceOf(CorruptImageException.class);
    }

    private static String tierOf(ImageStore images, String hash) throws Exception {
        List<String> holding = new java.util.ArrayList<>();
        for (ObjectTier tier : images.tiers()) {
            if (tier.stat(hash).isPresent()) {
                holding.add(tier.name());
            }
        }
        assertThat(holding).as("tiers holding " + hash).hasSize(1);
        return holding.getFirst();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
