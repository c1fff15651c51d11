package dev.imagine.core.scheduling;

import dev.imagine.core.job.Lane;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The jobs of one model version, yielded in {@link DispatchPolicy}'s order: band by band, and within a band
 * the user with the fewest jobs in flight first, then the one served longest ago (round-robin across passes,
 * even with one slot). Each job taken counts as running and as just served for its user, so the next pick
 * sees it. One heap per band, keyed lazily: a user whose key went stale is re-inserted on pop.
 */
final class FairQueue {
    /** A user's place in a band: fewest running first, then served longest ago, then the older head job. */
    private record Head(String user, int running, long lastServedMillis, WaitingJob job) {
    }

    private static final Comparator<Head> ORDER = Comparator.comparingInt(Head::running)
            .thenComparingLong(Head::lastServedMillis)
            .thenComparing(Head::job, WaitingJob.USER_ORDER);

    private final List<Map<String, Deque<WaitingJob>>> bands = new ArrayList<>();
    private final List<PriorityQueue<Head>> heaps = new ArrayList<>();
    private final Map<String, int[]> running;
    private final Map<String, UserLoad> users;
    private final Map<String, Long> servedInThisPass = new HashMap<>();
    private long picks;
    private final long nowMillis;
    private final boolean capped;

    FairQueue(List<WaitingJob> jobs, SchedulingSnapshot snapshot, Map<String, int[]> running, long relaxPromoteAfterMillis,
              boolean capped) {
        this.running = running;
        this.users = snapshot.users();
        this.capped = capped;
        this.nowMillis = snapshot.nowMillis();
        for (int i = 0; i < Lane.values().length; i++) {
            bands.add(new HashMap<>());
            heaps.add(new PriorityQueue<>(ORDER));
        }
        for (WaitingJob job : jobs) {
            int band = DispatchPolicy.band(job, snapshot.nowMillis(), relaxPromoteAfterMillis);
            bands.get(band).computeIfAbsent(job.user(), u -> new ArrayDeque<>()).add(job);
        }
        for (int band = 0; band < bands.size(); band++) {
            for (Map.Entry<String, Deque<WaitingJob>> user : bands.get(band).entrySet()) {
                List<WaitingJob> sorted = new ArrayList<>(user.getValue());
                sorted.sort(WaitingJob.USER_ORDER);
                user.setValue(new ArrayDeque<>(sorted));
                heaps.get(band).add(new Head(user.getKey(), runningOf(user.getKey()), lastServed(user.getKey()), sorted.get(0)));
            }
        }
    }

    /** The next job to start, or null when every band is empty or its users are all at their limit. */
    WaitingJob next() {
        for (int band = 0; band < heaps.size(); band++) {
            PriorityQueue<Head> heap = heaps.get(band);
            while (!heap.isEmpty()) {
                Head head = heap.poll();
                int now = runningOf(head.user());
                long served = lastServed(head.user());
                if (now != head.running() || served != head.lastServedMillis()) {
                    heap.add(new Head(head.user(), now, served, head.job()));  // stale: the user was served meanwhile
                    continue;
                }
                if (capped && now >= limitOf(head.user())) {
                    continue;  // at the plan's limit: waits, without holding anyone else up
                }
                Deque<WaitingJob> queue = bands.get(band).get(head.user());
                WaitingJob job = queue.poll();
                running.computeIfAbsent(head.user(), u -> new int[1])[0]++;
                // Served "now", after everyone served earlier; ties within a pass broken by pick order.
                servedInThisPass.put(head.user(), nowMillis + ++picks);
                if (!queue.isEmpty()) {
                    heap.add(new Head(head.user(), now + 1, lastServed(head.user()), queue.peek()));
                }
                return job;
            }
        }
        return null;
    }

    private int runningOf(String user) {
        int[] count = running.get(user);
        return count == null ? 0 : count[0];
    }

    private long lastServed(String user) {
        Long inPass = servedInThisPass.get(user);
        if (inPass != null) {
            return inPass;
        }
        UserLoad load = users.get(user);
        return load == null ? 0 : load.lastDispatchedAtMillis();
    }

    private int limitOf(String user) {
        UserLoad load = users.get(user);
        return load == null ? Integer.MAX_VALUE : load.maxRunning();
    }
}
