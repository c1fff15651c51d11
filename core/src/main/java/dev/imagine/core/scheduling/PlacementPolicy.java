package dev.imagine.core.scheduling;

import dev.imagine.core.model.ModelNeeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which model version each slot should hold, as a pure function of demand: the planner in the cluster and
 * the simulator both call it.
 *
 * <ol>
 *   <li>Each version needs the slots its load keeps busy (Little's law: smoothed arrivals per ms times GPU ms
 *       per job), times {@code headroom}, plus one per job waiting now; at least one while it has waiting jobs
 *       and at least {@code minimumWarmSlots} while it has recent arrivals. When the needs add up to more than
 *       the healthy slots, the part above the floors is scaled down to fit. Slots no version needs stay where
 *       they are: at low load nothing moves.</li>
 *   <li>Hysteresis: a slot moves from version U to version V only if V lacks at least one whole slot
 *       (desired - held &ge; 1) and U has at least one whole slot too many (held - desired &ge; 1), and the slot
 *       has held its version for {@code minimumHold}. A swap back then needs the demand to move by two
 *       slots' worth, so weights are swapped rarely.</li>
 *   <li>A version with waiting jobs and no slot at all is never left so: it may take a slot from any version
 *       that keeps its own floor (one slot while it has waiting jobs, the warm minimum while it has arrivals),
 *       surplus or not.</li>
 *   <li>Only an idle, healthy slot with enough device memory for V is moved, and at most
 *       {@code maxSwapsPerPass} per pass.</li>
 * </ol>
 */
public final class PlacementPolicy {
    /** A slot as the planner sees it: the version it holds or is loading, and whether it could move now. */
    public record SlotState(String name, String version, boolean idle, boolean healthy, int deviceMemoryMb) {
    }

    /** The planner's decision: point this slot at another version. */
    public record Retarget(String slot, String from, String to) {
    }

    private final long minimumHoldMillis;
    private final int minimumWarmSlots;
    private final double headroom;

    /** @param headroom slots kept per slot a version's load keeps busy (1.25: a quarter more, for bursts) */
    public PlacementPolicy(Duration minimumHold, int minimumWarmSlots, double headroom) {
        this.minimumHoldMillis = minimumHold.toMillis();
        this.minimumWarmSlots = minimumWarmSlots;
        this.headroom = headroom;
    }

    public List<Retarget> plan(long nowMillis, List<SlotState> slots, Map<String, Integer> waiting, PlannerMemory memory,
                               int maxSwapsPerPass) {
        List<SlotState> healthy = slots.stream().filter(SlotState::healthy).toList();
        if (healthy.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> held = new HashMap<>();
        for (SlotState slot : healthy) {
            if (slot.version() != null) {
                held.merge(slot.version(), 1, Integer::sum);
            }
        }
        Map<String, Double> desired = desired(healthy.size(), waiting, memory, held.keySet());
        List<Retarget> retargets = new ArrayList<>();
        List<SlotState> movable = new ArrayList<>(healthy.stream().filter(s -> s.idle()
                && nowMillis - memory.lastSwapMillis().getOrDefault(s.name(), 0L) >= minimumHoldMillis).toList());
        while (retargets.size() < maxSwapsPerPass) {
            String needy = mostLacking(desired, held);
            if (needy == null) {
                break;
            }
            boolean unserved = held.getOrDefault(needy, 0) == 0 && waiting.getOrDefault(needy, 0) > 0;
            SlotState donor = donorFor(needy, movable, desired, held, unserved ? floors(waiting, memory) : null);
            if (donor == null) {
                break;
            }
            retargets.add(new Retarget(donor.name(), donor.version(), needy));
            movable.remove(donor);
            if (donor.version() != null) {
                held.merge(donor.version(), -1, Integer::sum);
            }
            held.merge(needy, 1, Integer::sum);
        }
        return retargets;
    }

    /** Desired slots per version (fractional): load plus waiting jobs, with the floors, scaled to fit the fleet. */
    Map<String, Double> desired(int slots, Map<String, Integer> waiting, PlannerMemory memory, Set<String> heldVersions) {
        Set<String> versions = new TreeSet<>(waiting.keySet());
        versions.addAll(memory.arrivalsPerMinute().keySet());
        versions.addAll(heldVersions);
        Map<String, Integer> floors = floors(waiting, memory);
        Map<String, Double> above = new HashMap<>();
        double floorTotal = 0;
        double aboveTotal = 0;
        for (String version : versions) {
            double busy = memory.arrivalsPerMinute().getOrDefault(version, 0.0) / 60_000.0
                    * ModelNeeds.of(version).gpuMillisPerJob();
            double need = busy * headroom + waiting.getOrDefault(version, 0);
            int floor = floors.getOrDefault(version, 0);
            above.put(version, Math.max(0, need - floor));
            floorTotal += floor;
            aboveTotal += Math.max(0, need - floor);
        }
        double scale = aboveTotal <= 0 || floorTotal + aboveTotal <= slots ? 1
                : Math.max(0, slots - floorTotal) / aboveTotal;
        Map<String, Double> desired = new HashMap<>();
        for (String version : versions) {
            desired.put(version, floors.getOrDefault(version, 0) + above.get(version) * scale);
        }
        return desired;
    }

    private static String mostLacking(Map<String, Double> desired, Map<String, Integer> held) {
        return desired.entrySet().stream()
                .filter(e -> e.getValue() - held.getOrDefault(e.getKey(), 0) >= 1)
                .max(Comparator.comparingDouble((Map.Entry<String, Double> e) -> e.getValue() - held.getOrDefault(e.getKey(), 0))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).orElse(null);
    }

    /** The fewest slots a version keeps: one while jobs wait for it, the warm minimum while it has arrivals. */
    private Map<String, Integer> floors(Map<String, Integer> waiting, PlannerMemory memory) {
        Map<String, Integer> floors = new HashMap<>();
        waiting.forEach((version, n) -> {
            if (n > 0) {
                floors.merge(version, 1, Math::max);
            }
        });
        memory.arrivalsPerMinute().forEach((version, rate) -> {
            if (rate > 0) {
                floors.merge(version, minimumWarmSlots, Math::max);
            }
        });
        return floors;
    }

    /**
     * An idle slot that fits {@code target}, of the version with the most whole slots too many (or an empty slot);
     * with {@code floors} (the target is unserved), of any version that keeps its floor.
     */
    private static SlotState donorFor(String target, List<SlotState> movable, Map<String, Double> desired,
                                      Map<String, Integer> held, Map<String, Integer> floors) {
        int need = ModelNeeds.of(target).deviceMemoryMb();
        SlotState best = null;
        double bestSurplus = Double.NEGATIVE_INFINITY;
        for (SlotState slot : movable) {
            if (target.equals(slot.version()) || slot.deviceMemoryMb() < need) {
                continue;
            }
            double surplus = slot.version() == null ? Double.MAX_VALUE
                    : held.getOrDefault(slot.version(), 0) - desired.getOrDefault(slot.version(), 0.0);
            boolean allowed = surplus >= 1 || floors != null
                    && held.getOrDefault(slot.version(), 0) - 1 >= floors.getOrDefault(slot.version(), 0);
            if (allowed && (best == null || surplus > bestSurplus)) {
                best = slot;
                bestSurplus = surplus;
            }
        }
        return best;
    }
}
