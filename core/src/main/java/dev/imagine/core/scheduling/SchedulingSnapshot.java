package dev.imagine.core.scheduling;

import java.util.List;
import java.util.Map;

/**
 * Everything one dispatch cycle decides on, read once: the policy never reads ZooKeeper or a clock.
 *
 * @param users loads of the users who have waiting jobs; a user missing here (no account) is never capped
 */
public record SchedulingSnapshot(long nowMillis, List<WaitingJob> waiting, Map<String, UserLoad> users,
                                 List<FreeSlot> freeSlots) {
    public SchedulingSnapshot {
        waiting = List.copyOf(waiting);
        users = Map.copyOf(users);
        freeSlots = List.copyOf(freeSlots);
    }
}
