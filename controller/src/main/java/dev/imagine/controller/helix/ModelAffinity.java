package dev.imagine.controller.helix;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.helix.model.StateModelDefinition;

/**
 * The {@code ModelAffinity} state model: a GPU slot is OFFLINE (no weights) or holds exactly one model
 * version, one state per version. Loading another version always passes through OFFLINE, so a slot
 * never holds two sets of weights at once.
 *
 * <p>Priorities: DROPPED first (frees the slot entirely), OFFLINE next (frees device memory before
 * any load asks for it), loads last.
 */
public final class ModelAffinity {
    public static final String NAME = "ModelAffinity";
    public static final String OFFLINE = "OFFLINE";
    public static final String DROPPED = "DROPPED";
    public static final String ERROR = "ERROR";

    private ModelAffinity() {
    }

    /** The Helix state that means "holds the weights of {@code version}": "v8" becomes "V8". */
    public static String stateFor(String version) {
        return version.toUpperCase(Locale.ROOT);
    }

    /** The inverse of {@link #stateFor}, or null for OFFLINE, DROPPED and ERROR. */
    public static String versionFor(String state) {
        if (state == null || state.equals(OFFLINE) || state.equals(DROPPED) || state.equals(ERROR)) {
            return null;
        }
        return state.toLowerCase(Locale.ROOT);
    }

    /** The versions a (possibly older) definition serves: its states other than OFFLINE, DROPPED, ERROR. */
    public static Set<String> versionsIn(StateModelDefinition definition) {
        Set<String> versions = new TreeSet<>();
        for (String state : definition.getStatesPriorityList()) {
            String version = versionFor(state);
            if (version != null) {
                versions.add(version);
            }
        }
        return versions;
    }

    public static StateModelDefinition definition(Collection<String> versions) {
        StateModelDefinition.Builder builder = new StateModelDefinition.Builder(NAME)
                .initialState(OFFLINE)
                .addState(DROPPED, 0)
                .addState(OFFLINE, 1);
        int priority = 2;
        for (String version : new TreeSet<>(versions)) {
            String state = stateFor(version);
            // One replica per slot partition: at most R(=1) instance holds a slot in a version state.
            builder.addState(state, priority++).dynamicUpperBound(state, "R");
        }
        builder.addTransition(OFFLINE, DROPPED, 0);
        int transitionPriority = 1;
        for (String version : new TreeSet<>(versions)) {
            builder.addTransition(stateFor(version), OFFLINE, transitionPriority);
        }
        for (String version : new TreeSet<>(versions)) {
            builder.addTransition(OFFLINE, stateFor(version), transitionPriority + 1);
        }
        return builder.build();
    }
}
