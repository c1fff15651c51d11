package dev.imagine.controller.helix;

/**
 * A GPU slot is a Helix partition named {@code <pool>_<instance>_<index>}, pinned to its instance:
 * the name alone tells an operator which participant owns which device.
 */
public final class SlotNames {
    private SlotNames() {
    }

    public static String slot(String pool, String instance, int index) {
        return pool + "_" + instance + "_" + index;
    }
}
