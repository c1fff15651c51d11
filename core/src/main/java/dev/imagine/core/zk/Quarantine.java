package dev.imagine.core.zk;

import dev.imagine.core.job.Lane;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a lane entry or job record the protocol cannot read goes, so that it stops nothing: moved, in one
 * transaction, under {@code /quarantine/<name>} with the reason and the raw bytes, and reported in the log.
 * An operator can read it there; dispatching goes on without it.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private final CuratorFramework zk;

    public Quarantine(CuratorFramework zk) {
        this.zk = zk;
    }

    /** A lane entry whose name is not {@code <n|r>-<id>~<version>~<user>-<seq>}, at {@code path}. */
    public void laneEntry(Lane lane, String path, String name, String reason) throws Exception {
        move("lane-" + lane.pathName() + "-" + name, reason, List.of(path));
    }

    /** A job record that cannot be read, with the lane entry or assignment that pointed at it. */
    public void record(String jobId, String pointer, String reason) throws Exception {
        move("job-" + jobId, reason, pointer == null ? List.of(ZkPaths.job(jobId)) : List.of(ZkPaths.job(jobId), pointer));
    }

    public List<String> names() throws Exception {
        return zk.checkExists().forPath(ZkPaths.QUARANTINE) == null ? List.of() : zk.getChildren().forPath(ZkPaths.QUARANTINE);
    }

    private void move(String name, String reason, List<String> paths) throws Exception {
        if (zk.checkExists().forPath(ZkPaths.QUARANTINE) == null) {
            try {
                zk.create().creatingParentsIfNeeded().forPath(ZkPaths.QUARANTINE);
            } catch (KeeperException.NodeExistsException concurrently) {
                // fine
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("reason", reason);
        report.put("atMillis", System.currentTimeMillis());
        List<CuratorOp> ops = new ArrayList<>();
        for (String path : paths) {
            byte[] data = null;
            try {
                data = zk.getData().forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            report.put(path, data == null ? "" : Base64.getEncoder().encodeToString(data));
            ops.add(zk.transactionOp().delete().forPath(path));
        }
        ops.add(0, zk.transactionOp().create().forPath(ZkPaths.QUARANTINE + "/" + name, Json.write(report)));
        try {
            zk.transaction().forOperations(ops);
            LOG.warn("Quarantined {} ({}); dispatch goes on; see {}/{}", paths, reason, ZkPaths.QUARANTINE, name);
        } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException raced) {
            LOG.info("Quarantine of {} raced another process; it is handled", paths);
        }
    }
}
