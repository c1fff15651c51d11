package dev.imagine.core.zk;

import dev.imagine.core.job.SlotFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The failures blamed on each slot ({@code /failures/<slot>/f-<seq>}, written by {@link JobStore#retry} in the
 * job's own transaction) and the open circuit breakers ({@code /breakers/<slot>}).
 */
public final class SlotBreakers {
    private final CuratorFramework zk;

    public SlotBreakers(CuratorFramework zk) {
        this.zk = zk;
    }

    public List<String> slotsWithFailures() throws Exception {
        return children(ZkPaths.FAILURES);
    }

    /**
     * The slot's failures since {@code sinceMillis}, oldest first; older ones are deleted (the window moved
     * past them). The slot's folder itself stays: a retry may be about to write into it.
     */
    public List<SlotFailure> recentFailures(String slot, long sinceMillis) throws Exception {
        List<SlotFailure> recent = new ArrayList<>();
        List<String> names = new ArrayList<>(children(ZkPaths.slotFailures(slot)));
        names.sort(null);
        for (String name : names) {
            String path = ZkPaths.slotFailures(slot) + "/" + name;
            SlotFailure failure;
            try {
                failure = Json.read(zk.getData().forPath(path), SlotFailure.class);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            } catch (java.io.UncheckedIOException | IllegalArgumentException unreadable) {
                failure = new SlotFailure(null, "unreadable failure record", 0);
            }
            if (failure.atMillis() < sinceMillis) {
                deleteQuietly(path);
            } else {
                recent.add(failure);
            }
        }
        return recent;
    }

    public Optional<Versioned<SlotBreaker>> get(String slot) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(ZkPaths.breaker(slot));
            return Optional.of(new Versioned<>(Json.read(data, SlotBreaker.class), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** Slots whose breaker is open. */
    public List<String> openSlots() throws Exception {
        return children(ZkPaths.BREAKERS);
    }

    /** Opens the breaker; false if it was open already. */
    public boolean open(SlotBreaker breaker) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.breaker(breaker.slot()), Json.write(breaker));
            return true;
        } catch (KeeperException.NodeExistsException already) {
            return false;
        }
    }

    /** A health check's outcome, compare-and-set: false if the breaker changed or closed meanwhile. */
    public boolean recordCheck(Versioned<SlotBreaker> breaker, boolean passed, String detail, long nowMillis)
            throws Exception {
        try {
            zk.setData().withVersion(breaker.version()).forPath(ZkPaths.breaker(breaker.value().slot()),
                    Json.write(breaker.value().checked(passed, detail, nowMillis)));
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException moved) {
            return false;
        }
    }

    /** Closes the breaker and forgets the slot's failures: the slot starts over. */
    public void close(String slot) throws Exception {
        for (String name : children(ZkPaths.slotFailures(slot))) {
            deleteQuietly(ZkPaths.slotFailures(slot) + "/" + name);
        }
        deleteQuietly(ZkPaths.breaker(slot));
    }

    /** A slot that no longer exists: its failure folder goes too. */
    public void forget(String slot) throws Exception {
        close(slot);
        try {
            zk.delete().forPath(ZkPaths.slotFailures(slot));
        } catch (KeeperException.NoNodeException | KeeperException.NotEmptyException raced) {
            // gone already, or a failure arrived meanwhile: the next pass looks again
        }
    }

    private List<String> children(String path) throws Exception {
        try {
            return zk.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private void deleteQuietly(String path) throws Exception {
        try {
            zk.delete().forPath(path);
        } catch (KeeperException.NoNodeException gone) {
            // fine
        }
    }
}
