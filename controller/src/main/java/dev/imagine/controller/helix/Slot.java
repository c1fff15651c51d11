package dev.imagine.controller.helix;

/**
 * One GPU slot as Helix last reported it.
 *
 * @param state   the ExternalView state: OFFLINE, ERROR, or a model-version state such as V8
 * @param enabled false while the slot or its participant is disabled (drain, quarantine): it takes no new jobs
 */
public record Slot(String pool, String name, String instance, String state, boolean live, boolean enabled) {

    /** The model version whose weights this slot holds now, or null. */
    public String version() {
        return ModelAffinity.versionFor(state);
    }
}
