package dev.imagine.core.moderation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imagine.core.zk.Json;
import java.awt.image.BufferedImage;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Refuses images an operator has listed (the way platforms match reported images against hash lists): each entry is a
 * {@link PerceptualHash} and the Hamming distance within which an image counts as the same one. The list lives in
 * ZooKeeper at {@link #PATH}, read at every check, so an entry takes effect for the next grid on every participant;
 * an unreadable list makes the classifier {@link Unavailable} (fail closed).
 */
public final class KnownImageClassifier implements ImageClassifier {
    public static final String PATH = "/moderation/known-images";
    /** Re-encoded or resized copies of one image stay within this distance; unrelated images are ~32 apart. */
    public static final int DEFAULT_TOLERANCE = 6;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String hash, int tolerance, String note) {
    }

    public record KnownImages(List<Entry> entries) {
        public KnownImages {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    private final CuratorFramework zk;

    public KnownImageClassifier(CuratorFramework zk) {
        this.zk = zk;
    }

    @Override
    public String name() {
        return "known-images";
    }

    @Override
    public Verdict classify(BufferedImage image) {
        long hash = PerceptualHash.of(image);
        for (Entry entry : list(zk).entries()) {
            int distance = PerceptualHash.distance(hash, PerceptualHash.parse(entry.hash()));
            if (distance <= entry.tolerance()) {
                return new Verdict("matches known image " + entry.hash() + (entry.note() == null ? "" : " (" + entry.note() + ")")
                        + " at distance " + distance);
            }
        }
        return Verdict.PASS;
    }

    /** The list as it stands; empty when none was ever written. */
    public static KnownImages list(CuratorFramework zk) {
        try {
            return Json.read(zk.getData().forPath(PATH), KnownImages.class);
        } catch (KeeperException.NoNodeException none) {
            return new KnownImages(List.of());
        } catch (Exception e) {
            throw new Unavailable("the known-image list at " + PATH + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Adds an entry with a compare-and-set, so that two operators adding at once both land. */
    public static void add(CuratorFramework zk, Entry entry) throws Exception {
        PerceptualHash.parse(entry.hash());
        for (int attempt = 0; attempt < 20; attempt++) {
            org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
            try {
                KnownImages current = Json.read(zk.getData().storingStatIn(stat).forPath(PATH), KnownImages.class);
                List<Entry> more = new java.util.ArrayList<>(current.entries());
                more.add(entry);
                zk.setData().withVersion(stat.getVersion()).forPath(PATH, Json.write(new KnownImages(more)));
                return;
            } catch (KeeperException.NoNodeException none) {
                try {
                    zk.create().creatingParentsIfNeeded().forPath(PATH, Json.write(new KnownImages(List.of(entry))));
                    return;
                } catch (KeeperException.NodeExistsException raced) {
                    // someone created it meanwhile: read and try again
                }
            } catch (KeeperException.BadVersionException raced) {
                // someone added meanwhile: read and try again
            }
        }
        throw new IllegalStateException("the known-image list kept changing; try again");
    }
}
