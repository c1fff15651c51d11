package dev.imagine.api.core;

import dev.imagine.core.job.Lane;
import dev.imagine.core.zk.LaneEntry;
import dev.imagine.core.zk.LaneIndex;
import io.dropwizard.lifecycle.Managed;
import java.util.List;

/**
 * The API's {@link LaneIndex}: queue positions, lane depths and Relax backpressure read it, never a listing of
 * the lanes per request. Limits never rely on it (they are checked in the submission's transaction); a depth that
 * is a moment old only moves the backpressure threshold by as many jobs.
 */
public final class LanesCache implements Managed {
    private final ZooKeeperConnection zk;
    private LaneIndex index;

    public LanesCache(ZooKeeperConnection zk) {
        this.zk = zk;
    }

    @Override
    public void start() throws Exception {
        new dev.imagine.core.zk.JobStore(zk.client()).ensureLayout();
        index = new LaneIndex(zk.client(), () -> { }).start();
    }

    @Override
    public void stop() {
        if (index != null) {
            index.close();
        }
    }

    public List<LaneEntry> entries(Lane lane) throws Exception {
        return index.entries(lane);
    }

    public int depth(Lane lane) throws Exception {
        return index.depth(lane);
    }
}
