package dev.imagine.core.scheduling;

import java.util.Map;
import java.util.Set;

/** Where a snapshot's user loads come from: a cache of accounts in a cluster, a model in the simulator. */
public interface UserLoadSource {
    Map<String, UserLoad> of(Set<String> names);
}
