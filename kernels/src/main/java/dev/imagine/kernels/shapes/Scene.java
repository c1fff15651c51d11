package dev.imagine.kernels.shapes;

import dev.imagine.kernels.SplitMix64;

/**
 * One object on a plain background; renders with 4x4 supersampling, as the training data is drawn.
 *
 * @param size  the object's side as a share of the image side
 * @param dx    its centre's offset from the cell centre, as a share of a cell (dy likewise)
 */
public record Scene(String background, String colour, String shape, String position, double size, double dx,
                    double dy) {
    private static final int SUPERSAMPLE = 4;

    public Scene {
        Vocabulary.rgb(background);
        Vocabulary.rgb(colour);
        if (background.equals(colour) || !Vocabulary.SHAPES.contains(shape) || !Vocabulary.POSITIONS.contains(position)) {
            throw new IllegalArgumentException("not a scene of the vocabulary: " + colour + " " + shape + " " + position
                    + " on " + background);
        }
    }

    /** A random scene as the training data draws them: size 0.30–0.36, centre jitter ±0.08 of a cell. */
    public static Scene random(SplitMix64 rng) {
        String bg = pick(rng, Vocabulary.COLOURS);
        String oc = bg;
        while (oc.equals(bg)) {
            oc = pick(rng, Vocabulary.COLOURS);
        }
        return new Scene(bg, oc, pick(rng, Vocabulary.SHAPES), pick(rng, Vocabulary.POSITIONS),
                0.30 + 0.06 * rng.nextDouble(), (rng.nextDouble() * 2 - 1) * 0.08, (rng.nextDouble() * 2 - 1) * 0.08);
    }

    private static String pick(SplitMix64 rng, java.util.List<String> from) {
        return from.get((int) (rng.nextDouble() * from.size()));
    }

    public String prompt(int template) {
        return Vocabulary.TEMPLATES.get(template % Vocabulary.TEMPLATES.size()).replace("{oc}", colour)
                .replace("{sh}", shape).replace("{pos}", position).replace("{bg}", background);
    }

    public java.util.Map<String, String> attributes() {
        return java.util.Map.of("background", background, "colour", colour, "shape", shape, "position", position);
    }

    /** Packed 0xRRGGBB, side x side. */
    public int[] render(int side) {
        double[] cover = coverage(side);
        int[] bg = Vocabulary.rgb(background);
        int[] fg = Vocabulary.rgb(colour);
        int[] out = new int[side * side];
        for (int i = 0; i < out.length; i++) {
            double m = cover[i];
            int r = (int) Math.rint(bg[0] * (1 - m) + fg[0] * m);
            int g = (int) Math.rint(bg[1] * (1 - m) + fg[1] * m);
            int b = (int) Math.rint(bg[2] * (1 - m) + fg[2] * m);
            out[i] = (r << 16) | (g << 8) | b;
        }
        return out;
    }

    double[] coverage(int side) {
        int n = side * SUPERSAMPLE;
        int cell = Vocabulary.POSITIONS.indexOf(position);
        double cx = ((cell % 3) + 0.5 + dx) / 3.0;
        double cy = ((cell / 3) + 0.5 + dy) / 3.0;
        double h = size / 2;
        double[] out = new double[side * side];
        for (int sy = 0; sy < n; sy++) {
            for (int sx = 0; sx < n; sx++) {
                if (inside(shape, (sx + 0.5) / n - cx, (sy + 0.5) / n - cy, h)) {
                    out[(sy / SUPERSAMPLE) * side + sx / SUPERSAMPLE] += 1.0 / (SUPERSAMPLE * SUPERSAMPLE);
                }
            }
        }
        return out;
    }

    /** Whether (x, y), relative to the centre, is inside the shape of half side h. */
    static boolean inside(String shape, double x, double y, double h) {
        return switch (shape) {
            case "circle" -> x * x + y * y <= h * h;
            case "square" -> Math.abs(x) <= h && Math.abs(y) <= h;
            // apex up: at height y (-h at the apex, +h at the base) the half width is (y + h) / 2
            case "triangle" -> y >= -h && y <= h && Math.abs(x) <= (y + h) / 2;
            case "cross" -> (Math.abs(x) <= h && Math.abs(y) <= h / 3) || (Math.abs(y) <= h && Math.abs(x) <= h / 3);
            default -> throw new IllegalArgumentException(shape);
        };
    }
}
