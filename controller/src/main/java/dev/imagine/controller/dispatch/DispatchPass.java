package dev.imagine.controller.dispatch;

import java.util.Map;

/**
 * What one dispatch pass did.
 *
 * @param dispatched          jobs handed to slots
 * @param waitingByVersion    queued jobs left, per model version (the planner's demand signal)
 * @param unservedVersions    versions with queued jobs that no live slot holds at all
 */
public record DispatchPass(int dispatched, Map<String, Integer> waitingByVersion,
                           java.util.Set<String> unservedVersions) {
}
