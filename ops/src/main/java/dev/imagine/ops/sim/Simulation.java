package dev.imagine.ops.sim;

import dev.imagine.core.job.Lane;
import dev.imagine.core.model.ModelNeeds;
import dev.imagine.core.scheduling.Assignment;
import dev.imagine.core.scheduling.DispatchPolicy;
import dev.imagine.core.scheduling.FreeSlot;
import dev.imagine.core.scheduling.PlacementPolicy;
import dev.imagine.core.scheduling.PlannerMemory;
import dev.imagine.core.scheduling.SchedulingSnapshot;
import dev.imagine.core.scheduling.UserLoad;
import dev.imagine.core.scheduling.WaitingJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A discrete-event simulation of one day on a fleet of slots, driving the cluster's own {@link DispatchPolicy}
 * and {@link PlacementPolicy} (the same classes, not copies) from a virtual clock. The dispatcher's passes
 * run every {@link #TICK_MILLIS} of simulated time, the planner's every {@link #PLAN_MILLIS}.
 *
 * <p>Baselines on the same arrivals: {@link Mode#FIFO} gives every job the Fast lane and a user of its own
 * (one queue in submission order: no lanes, no fairness, no per-user caps); {@link Mode#NO_AFFINITY} keeps our
 * order but lets any free slot take any job, loading the job's weights first when the slot holds others
 * (swap on demand, no planner).
 */
final class Simulation {
    enum Mode { SCHEDULER, FIFO, NO_AFFINITY }

    static final long TICK_MILLIS = 250;
    static final long PLAN_MILLIS = 10_000;
    static final long FAIRNESS_SAMPLE_MILLIS = 1_000;
    static final long FAIRNESS_WINDOW_MILLIS = 600_000;
    private static final long DAY_MILLIS = 86_400_000;
    private static final long DRAIN_MILLIS = 6 * 3_600_000L;

    private final Scenario scenario;
    private final Mode mode;
    private final int slotCount;
    private final DispatchPolicy dispatch;
    private final PlacementPolicy placement;

    // Slots: the version each holds, and until when it is busy (a job or a swap).
    private final int[] slotVersion;
    private final long[] busyUntil;
    private final String[] slotNames;
    private final List<java.util.LinkedHashSet<Integer>> idleByVersion = new ArrayList<>();
    private final PriorityQueue<long[]> releases = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

    // Users: running counts and the fair order's memory; waiting jobs per user in submission order.
    private final int[] running;
    private final long[] lastDispatched;
    private final Map<Integer, List<Integer>> waitingByUser = new LinkedHashMap<>();
    private final int[] waitingOfVersion = new int[Scenario.VERSIONS.length];
    private final WaitingJob[] asWaiting;
    private final int[][] runningOn;
    private final Set<Integer> runningUsers = new java.util.LinkedHashSet<>();
    private double windowDeviation;
    private long windowSamples;

    private final SimResult result;
    private PlannerMemory memory = PlannerMemory.empty();
    private final int[] arrivalsSincePlan = new int[Scenario.VERSIONS.length];

    Simulation(Scenario scenario, Mode mode, int slots, DispatchPolicy dispatch, PlacementPolicy placement) {
        this.scenario = scenario;
        this.mode = mode;
        this.slotCount = slots;
        this.dispatch = dispatch;
        this.placement = placement;
        this.slotVersion = new int[slots];
        this.busyUntil = new long[slots];
        this.slotNames = new String[slots];
        this.running = new int[scenario.users];
        this.lastDispatched = new long[scenario.users];
        this.asWaiting = new WaitingJob[scenario.jobs];
        this.runningOn = new int[scenario.users][Scenario.VERSIONS.length];
        this.result = new SimResult(scenario.jobs);
        for (int v = 0; v < Scenario.VERSIONS.length; v++) {
            idleByVersion.add(new java.util.LinkedHashSet<>());
        }
        // Start with slots split by each version's share of the work (jobs x GPU time), as a planner would.
        double v6Work = 0.30 * ModelNeeds.of("v6").gpuMillisPerJob();
        double v8Work = 0.70 * ModelNeeds.of("v8").gpuMillisPerJob();
        int v6Slots = (int) Math.round(slots * v6Work / (v6Work + v8Work));
        for (int s = 0; s < slots; s++) {
            slotNames[s] = "slot-" + s;
            slotVersion[s] = s < v6Slots ? 0 : 1;
            idleByVersion.get(slotVersion[s]).add(s);
        }
    }

    SimResult run() {
        int next = 0;
        long end = DAY_MILLIS + DRAIN_MILLIS;
        long now = 0;
        for (; now < end && (next < scenario.jobs || !waitingByUser.isEmpty()); now += TICK_MILLIS) {
            releaseUntil(now);
            while (next < scenario.jobs && scenario.submitMillis[next] <= now) {
                arrive(next++);
            }
            if (!waitingByUser.isEmpty()) {
                pass(now);
            }
            if (mode == Mode.SCHEDULER && now % PLAN_MILLIS == 0) {
                plan(now);
            }
            if (now % FAIRNESS_SAMPLE_MILLIS == 0) {
                sampleFairness();
            }
            if (now % FAIRNESS_WINDOW_MILLIS == 0) {
                closeFairnessWindow();
            }
        }
        result.finish(slotCount, Math.max(DAY_MILLIS, now), waitingByUser.values().stream().mapToInt(List::size).sum());
        return result;
    }

    private void arrive(int job) {
        int user = scenario.user[job];
        List<Integer> queue = waitingByUser.computeIfAbsent(user, u -> new ArrayList<>());
        if (queue.size() >= scenario.plans[user].maxWaiting()) {
            result.refused++;
            return;
        }
        queue.add(job);
        waitingOfVersion[scenario.version[job]]++;
        arrivalsSincePlan[scenario.version[job]]++;
        boolean fifo = mode == Mode.FIFO;
        asWaiting[job] = new WaitingJob(Integer.toString(job), Integer.toString(job),
                fifo ? "j" + job : "u" + user, fifo ? Lane.FAST : scenario.lane[job],
                Scenario.VERSIONS[scenario.version[job]], false, scenario.submitMillis[job], job);
    }

    private void pass(long now) {
        List<FreeSlot> free = freeSlots();
        if (free.isEmpty()) {
            return;
        }
        List<WaitingJob> waiting = new ArrayList<>();
        Map<String, UserLoad> users = new HashMap<>();
        for (Map.Entry<Integer, List<Integer>> entry : waitingByUser.entrySet()) {
            int user = entry.getKey();
            for (int job : entry.getValue()) {
                waiting.add(asWaiting[job]);
            }
            if (mode != Mode.FIFO) {
                users.put("u" + user, new UserLoad("u" + user, running[user], scenario.plans[user].maxRunning(),
                        lastDispatched[user]));
            }
        }
        Set<Integer> taken = new HashSet<>();
        for (Assignment assignment : dispatch.decide(new SchedulingSnapshot(now, waiting, users, free))) {
            int slot = Integer.parseInt(assignment.slot().substring(5));
            if (taken.add(slot)) {
                start(Integer.parseInt(assignment.job().ref()), slot, now);
            }
        }
    }

    /** Free slots per version, at most as many as that version has waiting jobs (the rest could take none). */
    private List<FreeSlot> freeSlots() {
        List<FreeSlot> free = new ArrayList<>();
        for (int v = 0; v < Scenario.VERSIONS.length; v++) {
            if (mode == Mode.NO_AFFINITY) {
                // Any idle slot may take a job of any version: offer the idle slots of every version to each.
                int offered = 0;
                for (int holder = 0; holder < Scenario.VERSIONS.length && offered < waitingOfVersion[v]; holder++) {
                    for (int slot : idleByVersion.get(holder)) {
                        if (offered++ >= waitingOfVersion[v]) {
                            break;
                        }
                        free.add(new FreeSlot(slotNames[slot], Scenario.VERSIONS[v]));
                    }
                }
                continue;
            }
            int offered = 0;
            for (int slot : idleByVersion.get(v)) {
                if (offered++ >= waitingOfVersion[v]) {
                    break;
                }
                free.add(new FreeSlot(slotNames[slot], Scenario.VERSIONS[v]));
            }
        }
        return free;
    }

    private void start(int job, int slot, long now) {
        int user = scenario.user[job];
        int version = scenario.version[job];
        waitingByUser.get(user).remove(Integer.valueOf(job));
        if (waitingByUser.get(user).isEmpty()) {
            waitingByUser.remove(user);
        }
        waitingOfVersion[version]--;
        idleByVersion.get(slotVersion[slot]).remove(Integer.valueOf(slot));
        long swap = 0;
        if (slotVersion[slot] != version) {
            swap = ModelNeeds.of(Scenario.VERSIONS[version]).swapMillis();
            result.swaps++;
            slotVersion[slot] = version;
        }
        if (running[user]++ == 0) {
            runningUsers.add(user);
        }
        lastDispatched[user] = now;
        runningOn[user][version]++;
        busyUntil[slot] = now + swap + scenario.serviceMillis[job];
        releases.add(new long[] {busyUntil[slot], slot, user, version});
        result.started(scenario.lane[job], now - scenario.submitMillis[job], scenario.serviceMillis[job]);
    }

    private void releaseUntil(long now) {
        while (!releases.isEmpty() && releases.peek()[0] <= now) {
            long[] release = releases.poll();
            int slot = (int) release[1];
            if (release[2] >= 0) {
                if (--running[(int) release[2]] == 0) {
                    runningUsers.remove((int) release[2]);
                }
                runningOn[(int) release[2]][(int) release[3]]--;
            }
            idleByVersion.get(slotVersion[slot]).add(slot);
        }
    }

    private void plan(long now) {
        Map<String, Integer> arrivals = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        for (int v = 0; v < Scenario.VERSIONS.length; v++) {
            arrivals.put(Scenario.VERSIONS[v], arrivalsSincePlan[v]);
            arrivalsSincePlan[v] = 0;
            if (waitingOfVersion[v] > 0) {
                waiting.put(Scenario.VERSIONS[v], waitingOfVersion[v]);
            }
        }
        memory = memory.withArrivals(arrivals, now);
        List<PlacementPolicy.SlotState> states = new ArrayList<>(slotCount);
        for (int s = 0; s < slotCount; s++) {
            states.add(new PlacementPolicy.SlotState(slotNames[s], Scenario.VERSIONS[slotVersion[s]],
                    busyUntil[s] <= now, true, Integer.MAX_VALUE));
        }
        for (PlacementPolicy.Retarget retarget : placement.plan(now, states, waiting, memory, Math.max(1, slotCount / 10))) {
            int slot = Integer.parseInt(retarget.slot().substring(5));
            int to = java.util.Arrays.asList(Scenario.VERSIONS).indexOf(retarget.to());
            idleByVersion.get(slotVersion[slot]).remove(Integer.valueOf(slot));
            slotVersion[slot] = to;
            busyUntil[slot] = now + ModelNeeds.of(retarget.to()).swapMillis();
            releases.add(new long[] {busyUntil[slot], slot, -1});
            memory = memory.withSwap(retarget.slot(), now);
            result.swaps++;
        }
    }

    /**
     * Fairness now, for each version whose slots are all busy while jobs wait for it: the max-min fair share
     * of its slots (water-filling over each user's demand there: running plus waiting, up to the plan's limit)
     * against what each user holds; the deviation is the largest excess, as a share of the version's slots.
     * A scheduler that lets one user's backlog take slots ahead of others shows it; non-preemption shows
     * too, for as long as jobs started before the contention keep running. Averaged over each window; the
     * result keeps the worst window.
     */
    private void sampleFairness() {
        for (int v = 0; v < Scenario.VERSIONS.length; v++) {
            if (waitingOfVersion[v] == 0 || !idleByVersion.get(v).isEmpty()) {
                continue;
            }
            Map<Integer, Integer> demand = new HashMap<>();
            for (int user : runningUsers) {
                if (runningOn[user][v] > 0) {
                    demand.put(user, runningOn[user][v]);
                }
            }
            for (Map.Entry<Integer, List<Integer>> entry : waitingByUser.entrySet()) {
                int version = v;
                long waitingHere = entry.getValue().stream().filter(j -> scenario.version[j] == version).count();
                demand.merge(entry.getKey(), (int) waitingHere, Integer::sum);
            }
            long capacity = 0;
            for (Map.Entry<Integer, Integer> entry : demand.entrySet()) {
                entry.setValue(Math.min(entry.getValue(), scenario.plans[entry.getKey()].maxRunning()));
                capacity += runningOn[entry.getKey()][v];
            }
            if (demand.size() < 2 || capacity == 0) {
                continue;
            }
            Map<Integer, Double> fair = waterFill(demand, capacity);
            double worst = 0;
            for (Map.Entry<Integer, Double> entry : fair.entrySet()) {
                worst = Math.max(worst, (runningOn[entry.getKey()][v] - entry.getValue()) / capacity);
            }
            windowDeviation += worst;
            windowSamples++;
        }
    }

    /** Max-min fair shares of {@code capacity} among demands: the smallest demands are met first, the rest split evenly. */
    static Map<Integer, Double> waterFill(Map<Integer, Integer> demand, double capacity) {
        List<Map.Entry<Integer, Integer>> sorted = new ArrayList<>(demand.entrySet());
        sorted.sort(Map.Entry.comparingByValue());
        Map<Integer, Double> fair = new HashMap<>();
        double left = capacity;
        for (int i = 0; i < sorted.size(); i++) {
            double even = left / (sorted.size() - i);
            double share = Math.min(sorted.get(i).getValue(), even);
            fair.put(sorted.get(i).getKey(), share);
            left -= share;
        }
        return fair;
    }

    private void closeFairnessWindow() {
        if (windowSamples > 0) {
            result.fairness(windowDeviation / windowSamples);
        }
        windowDeviation = 0;
        windowSamples = 0;
    }

    static DispatchPolicy dispatchPolicy() {
        return new DispatchPolicy(Duration.ofMinutes(10));
    }
}
