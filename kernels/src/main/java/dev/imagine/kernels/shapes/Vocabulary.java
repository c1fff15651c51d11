package dev.imagine.kernels.shapes;

import java.util.List;

/**
 * The trained model's closed world (training/imagine_train/procedural.py is the same): one object of a colour,
 * shape and position on a 3x3 grid, on a plain background of another colour.
 */
public final class Vocabulary {
    private Vocabulary() {}

    public static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "white", "black");
    /** sRGB of each colour, in {@link #COLOURS} order. */
    static final int[][] RGB = {{230, 30, 30}, {30, 190, 40}, {30, 60, 230}, {240, 220, 30}, {245, 245, 245}, {15, 15, 15}};
    public static final List<String> SHAPES = List.of("circle", "square", "triangle", "cross");
    public static final List<String> POSITIONS = List.of("top left", "top center", "top right", "middle left", "center",
            "middle right", "bottom left", "bottom center", "bottom right");
    /** The prompt forms the checker's evaluation cycles through ({oc} object colour, {sh} shape, {pos}, {bg}). */
    public static final List<String> TEMPLATES = List.of(
            "a {oc} {sh} in the {pos} on a {bg} background",
            "a {oc} {sh} on a {bg} background in the {pos}",
            "{bg} background with a {oc} {sh} in the {pos}",
            "{bg} background, {oc} {sh}, {pos}");
    public static final List<String> ATTRIBUTES = List.of("background", "colour", "shape", "position");

    static int[] rgb(String colour) {
        int i = COLOURS.indexOf(colour);
        if (i < 0) {
            throw new IllegalArgumentException("not a colour of the vocabulary: " + colour);
        }
        return RGB[i];
    }
}
