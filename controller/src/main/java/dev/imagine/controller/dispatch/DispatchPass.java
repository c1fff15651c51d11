package dev.imagine.controller.dispatch;

import java.util.Map;

/**
 * What one dispatch pass did.
 *
 * @param dispatched          jobs handed to slots
 * @param waitingByVersion    queued jobs left, per model version (the planner's demand signal)
 * @param unservedVersions    versions with queued jobs that no live slot holds at all
 * @param arrivalsByVersion   jobs first seen waiting in this pass (submitted since the previous one), per version
 */
public record DispatchPass(int dispatched, Map<String, Integer> waitingByVersion,
                           java.util.Set<String> unservedVersions, Map<String, Integer> arrivalsByVersion) {
}
