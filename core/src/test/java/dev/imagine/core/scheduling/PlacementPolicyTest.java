package dev.imagine.core.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.core.scheduling.PlacementPolicy.Retarget;
import dev.imagine.core.scheduling.PlacementPolicy.SlotState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner's pure placement: demand shares, floors, hysteresis, hold time, capacity. */
class PlacementPolicyTest {
    private static final long NOW = 1_800_000_000_000L;
    private final PlacementPolicy policy = new PlacementPolicy(Duration.ofSeconds(30), 1, 1.25);

    private static SlotState idle(String name, String version) {
        return new SlotState(name, version, true, true, 24_576);
    }

    private static PlannerMemory rates(Map<String, Double> perMinute) {
        return new PlannerMemory(Map.of(), perMinute, NOW);
    }

    @Test
    void aVersionWithWaitingJobsAndNoSlotGetsOne() {
        List<Retarget> plan = policy.plan(NOW, List.of(idle("a", "v8"), idle("b", "v8")), Map.of("v6", 1),
                PlannerMemory.empty(), 1);

        assertThat(plan).hasSize(1);
        assertThat(plan.get(0).to()).isEqualTo("v6");
    }

    @Test
    void anUnservedVersionGetsASlotEvenWhenAnotherVersionCouldUseThemAll() {
        // v8 arrives fast enough to keep both slots busy, but v6's waiting job must not wait for ever.
        List<Retarget> plan = policy.plan(NOW, List.of(idle("a", "v8"), idle("b", "v8")), Map.of("v6", 1, "v8", 20),
                rates(Map.of("v8", 60.0)), 2);

        assertThat(plan).extracting(Retarget::to).containsExactly("v6");
    }

    @Test
    void lessThanAWholeSlotOfImbalanceSwapsNothing() {
        // Both queues want more than 3 slots; scaled to fit, v8 gets 1.6 and v6 1.4: v8 is short by
        // less than a slot, so nothing moves.
        List<SlotState> slots = List.of(idle("a", "v8"), idle("b", "v6"), idle("c", "v6"));
        Map<String, Integer> waiting = Map.of("v8", 6, "v6", 4);

        assertThat(policy.plan(NOW, slots, waiting, PlannerMemory.empty(), 3)).isEmpty();
    }

    @Test
    void aWholeSlotOfImbalanceOnBothSidesMovesSlots() {
        List<SlotState> slots = List.of(idle("a", "v8"), idle("b", "v6"), idle("c", "v6"));

        List<Retarget> plan = policy.plan(NOW, slots, Map.of("v8", 30), rates(Map.of("v6", 0.0)), 3);

        // v8 deserves all three; v6 has no demand: both idle v6 slots move, one pass.
        assertThat(plan).extracting(Retarget::to).containsExactly("v8", "v8");
    }

    @Test
    void atLowLoadNothingMoves() {
        // 400 slots, v6 arriving at 2 a minute and v8 at 6: both have far more slots than their load needs.
        List<SlotState> slots = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            slots.add(idle("s" + i, i < 200 ? "v6" : "v8"));
        }

        assertThat(policy.plan(NOW, slots, Map.of("v6", 3), rates(Map.of("v6", 2.0, "v8", 6.0)), 40)).isEmpty();
    }

    @Test
    void aSlotRetargetedRecentlyIsHeldForTheMinimumHold() {
        List<SlotState> slots = List.of(idle("a", "v8"), idle("b", "v6"));
        PlannerMemory justSwapped = new PlannerMemory(Map.of("b", NOW - 10_000), Map.of(), NOW);

        assertThat(policy.plan(NOW, slots, Map.of("v8", 10), justSwapped, 2)).isEmpty();
        assertThat(policy.plan(NOW + 20_001, slots, Map.of("v8", 10), justSwapped, 2))
                .containsExactly(new Retarget("b", "v6", "v8"));
    }

    @Test
    void aVersionWithRecentArrivalsKeepsItsWarmSlots() {
        List<SlotState> slots = List.of(idle("a", "v8"), idle("b", "v6"));

        // v8 has a queue, but v6 still arrives now and then: its one warm slot stays.
        assertThat(policy.plan(NOW, slots, Map.of("v8", 50), rates(Map.of("v6", 0.5)), 2)).isEmpty();
    }

    @Test
    void busySlotsAndSlotsTooSmallForTheVersionAreNotMoved() {
        List<SlotState> slots = List.of(new SlotState("busy", "v8", false, true, 24_576),
                new SlotState("small", "v8", true, true, 12_288), idle("other", "v8"));

        List<Retarget> plan = policy.plan(NOW, slots, Map.of("v6", 3), PlannerMemory.empty(), 3);

        assertThat(plan).containsExactly(new Retarget("other", "v8", "v6"));
    }

    @Test
    void arrivalRatesAreSmoothedAndFadeWhenArrivalsStop() {
        PlannerMemory memory = PlannerMemory.empty().withArrivals(Map.of(), NOW);
        memory = memory.withArrivals(Map.of("v8", 10), NOW + 60_000);
        double afterBurst = memory.arrivalsPerMinute().get("v8");
        memory = memory.withArrivals(Map.of(), NOW + 60_000 + 3_600_000);

        assertThat(afterBurst).isBetween(1.0, 10.0);
        assertThat(memory.arrivalsPerMinute()).doesNotContainKey("v8");
    }
}
