package dev.imagine.core.zk;

import dev.imagine.core.job.Lane;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every waiting lane entry, in memory, kept in step with ZooKeeper by one persistent recursive watch on
 * {@code /lanes}: a pass of the dispatcher (or a queue position in the API) reads it instead of listing the
 * lanes, so its cost does not grow with ZooKeeper round trips however deep the lanes are, and a change costs one
 * event, not a new listing.
 *
 * <p>It is a cache, and ZooKeeper stays the truth: every dispatch is a transaction on the entry itself, so an entry
 * that is gone fails there and is {@link #forget forgotten}. The index lists all buckets at start, after a
 * connection loss (events may have been missed) and every {@link #FULL_RELOAD_MILLIS} as a safety net. Events that
 * arrive while a listing is in progress are held and applied on top of it, in order: a create both listed and
 * announced is added once, a delete after the listing removes it.
 */
public final class LaneIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LaneIndex.class);
    static final long FULL_RELOAD_MILLIS = 60_000;

    private final CuratorFramework zk;
    private final Runnable onChange;
    private final PersistentWatcher watcher;
    private final Object lock = new Object();
    /** Per lane, path (relative to the namespace) → entry; replaced whole by a reload. */
    private Map<Lane, Map<String, LaneEntry>> entries = emptyLanes();
    private List<WatchedEvent> held;
    private volatile boolean stale = true;
    private long loadedAtMillis;

    /** @param onChange called (on ZooKeeper's event thread) after each change seen: the dispatcher's wake-up */
    public LaneIndex(CuratorFramework zk, Runnable onChange) {
        this.zk = zk;
        this.onChange = onChange;
        this.watcher = new PersistentWatcher(zk, ZkPaths.LANES, true);
        watcher.getListenable().addListener(this::onEvent);
        watcher.getResetListenable().addListener(() -> stale = true);
    }

    public LaneIndex start() {
        watcher.start();
        return this;
    }

    /** One lane's entries in dispatch order. */
    public List<LaneEntry> entries(Lane lane) throws Exception {
        refreshIfDue();
        List<LaneEntry> of;
        synchronized (lock) {
            of = new ArrayList<>(entries.get(lane).values());
        }
        of.sort(LaneEntry.DISPATCH_ORDER);
        return of;
    }

    /** Every lane's entries, each lane in dispatch order. */
    public Map<Lane, List<LaneEntry>> all() throws Exception {
        Map<Lane, List<LaneEntry>> all = new EnumMap<>(Lane.class);
        for (Lane lane : Lane.values()) {
            all.put(lane, entries(lane));
        }
        return all;
    }

    public int depth(Lane lane) throws Exception {
        refreshIfDue();
        synchronized (lock) {
            return entries.get(lane).size();
        }
    }

    /** An entry ZooKeeper no longer has (a dispatch found it gone). */
    public void forget(LaneEntry entry) {
        synchronized (lock) {
            entries.get(entry.lane()).remove(entry.path());
        }
    }

    private void refreshIfDue() throws Exception {
        if (stale || System.currentTimeMillis() - loadedAtMillis > FULL_RELOAD_MILLIS) {
            reload();
        }
    }

    private synchronized void reload() throws Exception {
        synchronized (lock) {
            held = new ArrayList<>();
        }
        stale = false;
        Map<Lane, Map<String, LaneEntry>> listed = emptyLanes();
        try {
            for (Lane lane : Lane.values()) {
                for (String bucket : LaneBuckets.all()) {
                    for (LaneEntry entry : JobStore.bucketEntries(zk, lane, bucket)) {
                        listed.get(lane).put(entry.path(), entry);
                    }
                }
            }
        } catch (Exception e) {
            stale = true;
            synchronized (lock) {
                held = null;
            }
            throw e;
        }
        synchronized (lock) {
            entries = listed;
            held.forEach(this::apply);
            held = null;
        }
        loadedAtMillis = System.currentTimeMillis();
        LOG.debug("Lane index loaded: {} waiting entries", listed.values().stream().mapToInt(Map::size).sum());
    }

    private void onEvent(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None) {
            if (event.getState() != Watcher.Event.KeeperState.SyncConnected) {
                stale = true;
            }
            return;
        }
        synchronized (lock) {
            if (held != null) {
                held.add(event);
            } else {
                apply(event);
            }
        }
        onChange.run();
    }

    /** Applies a create or delete of an entry; the lanes' and buckets' own folders are not entries. */
    private void apply(WatchedEvent event) {
        String path = relative(event.getPath());
        String[] parts = path == null ? new String[0] : path.split("/");
        // "", "lanes", <lane>, <bucket>, <entry>
        if (parts.length != 5 || !LaneBuckets.isBucket(parts[3])) {
            return;
        }
        Lane lane;
        try {
            lane = Lane.parse(parts[2]);
        } catch (IllegalArgumentException notALane) {
            return;
        }
        if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            entries.get(lane).remove(path);
        } else if (event.getType() == Watcher.Event.EventType.NodeCreated) {
            try {
                entries.get(lane).put(path, LaneEntry.parse(lane, parts[4]));
            } catch (IllegalArgumentException malformed) {
                // the next listing quarantines it
                stale = true;
            }
        }
    }

    private static Map<Lane, Map<String, LaneEntry>> emptyLanes() {
        Map<Lane, Map<String, LaneEntry>> lanes = new EnumMap<>(Lane.class);
        for (Lane lane : Lane.values()) {
            lanes.put(lane, new HashMap<>());
        }
        return lanes;
    }

    /** Curator's namespace may or may not have been taken off the event's path. */
    private static String relative(String path) {
        String namespaced = "/" + ZkPaths.NAMESPACE + ZkPaths.LANES;
        if (path != null && path.startsWith(namespaced)) {
            return path.substring(ZkPaths.NAMESPACE.length() + 1);
        }
        return path;
    }

    @Override
    public void close() {
        watcher.close();
    }
}
