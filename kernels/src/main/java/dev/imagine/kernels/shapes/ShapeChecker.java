package dev.imagine.kernels.shapes;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a generated image and decides each attribute, in the spirit of GenEval (training/imagine_train/checker.py
 * is the same algorithm): the background is the palette colour nearest the border pixels' median; the object's
 * colour the one nearest the median of the pixels far from the background; its position the 3x3 cell of the centre
 * of the pixels nearer its colour than the background's; its shape the template (drawn over that mask's bounding
 * box) with the best intersection over union.
 */
public final class ShapeChecker {
    /** A pixel is surely the object's when this far (sRGB Euclidean) from the background colour. */
    static final double OBJECT_DISTANCE = 60.0;

    private ShapeChecker() {}

    /** What the checker reads: an attribute is null when the image has no object to read it from. */
    public record Reading(String background, String colour, String shape, String position) {
        public Map<String, String> attributes() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("background", background);
            m.put("colour", colour);
            m.put("shape", shape);
            m.put("position", position);
            return m;
        }
    }

    /** rgb: packed 0xRRGGBB, side x side. */
    public static Reading check(int[] rgb, int side) {
        int n = side * side;
        int[] border = new int[4 * side];
        for (int i = 0; i < side; i++) {
            border[i] = rgb[i];
            border[side + i] = rgb[(side - 1) * side + i];
            border[2 * side + i] = rgb[i * side];
            border[3 * side + i] = rgb[i * side + side - 1];
        }
        String bg = nearest(median(border, border.length), null);
        int[] bgc = Vocabulary.rgb(bg);
        int[] far = new int[n];
        int count = 0;
        for (int p : rgb) {
            if (Math.sqrt(dist2(p, bgc)) > OBJECT_DISTANCE) {
                far[count++] = p;
            }
        }
        if (count < 2) {
            return new Reading(bg, null, null, null);
        }
        String colour = nearest(median(far, count), bg);
        int[] fgc = Vocabulary.rgb(colour);
        boolean[] mask = new boolean[n];
        double sx = 0;
        double sy = 0;
        int area = 0;
        int x0 = side;
        int y0 = side;
        int x1 = 0;
        int y1 = 0;
        for (int i = 0; i < n; i++) {
            if (dist2(rgb[i], fgc) < dist2(rgb[i], bgc)) {
                mask[i] = true;
                int x = i % side;
                int y = i / side;
                sx += x + 0.5;
                sy += y + 0.5;
                area++;
                x0 = Math.min(x0, x);
                y0 = Math.min(y0, y);
                x1 = Math.max(x1, x + 1);
                y1 = Math.max(y1, y + 1);
            }
        }
        if (area < 2) {
            return new Reading(bg, colour, null, null);
        }
        int col = Math.min(2, (int) (sx / area * 3 / side));
        int row = Math.min(2, (int) (sy / area * 3 / side));
        String best = null;
        double bestIou = -1;
        for (String shape : Vocabulary.SHAPES) {
            double iou = iou(mask, template(shape, side, x0, y0, x1, y1));
            if (iou > bestIou) {
                best = shape;
                bestIou = iou;
            }
        }
        return new Reading(bg, colour, best, Vocabulary.POSITIONS.get(row * 3 + col));
    }

    /** The shape drawn into an n x n square (n the box's longer side) centred on the box. */
    static boolean[] template(String shape, int side, int x0, int y0, int x1, int y1) {
        int n = Math.max(Math.max(1, x1 - x0), Math.max(1, y1 - y0));
        boolean[] out = new boolean[side * side];
        int ox = (int) Math.round((x0 + x1) / 2.0 - n / 2.0);
        int oy = (int) Math.round((y0 + y1) / 2.0 - n / 2.0);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                int x = ox + i;
                int y = oy + j;
                double u = (i + 0.5) / n - 0.5;
                double v = (j + 0.5) / n - 0.5;
                if (x >= 0 && x < side && y >= 0 && y < side && Scene.inside(shape, u, v, 0.5)) {
                    out[y * side + x] = true;
                }
            }
        }
        return out;
    }

    private static double iou(boolean[] a, boolean[] b) {
        int both = 0;
        int either = 0;
        for (int i = 0; i < a.length; i++) {
            both += a[i] && b[i] ? 1 : 0;
            either += a[i] || b[i] ? 1 : 0;
        }
        return either == 0 ? 0 : (double) both / either;
    }

    private static int[] median(int[] pixels, int count) {
        int[] out = new int[3];
        int[] channel = new int[count];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int i = 0; i < count; i++) {
                channel[i] = (pixels[i] >> shift) & 0xff;
            }
            Arrays.sort(channel, 0, count);
            out[c] = channel[count / 2];
        }
        return out;
    }

    private static String nearest(int[] rgb, String exclude) {
        String best = null;
        long bestD = Long.MAX_VALUE;
        for (int i = 0; i < Vocabulary.COLOURS.size(); i++) {
            String name = Vocabulary.COLOURS.get(i);
            if (name.equals(exclude)) {
                continue;
            }
            int[] p = Vocabulary.RGB[i];
            long d = sq(rgb[0] - p[0]) + sq(rgb[1] - p[1]) + sq(rgb[2] - p[2]);
            if (d < bestD) {
                best = name;
                bestD = d;
            }
        }
        return best;
    }

    private static long dist2(int packed, int[] c) {
        return sq(((packed >> 16) & 0xff) - c[0]) + sq(((packed >> 8) & 0xff) - c[1]) + sq((packed & 0xff) - c[2]);
    }

    private static long sq(long v) {
        return v * v;
    }

    /** Per-attribute accuracy and "all" (every attribute right) of readings against the asked scenes. */
    public static Map<String, Double> score(List<Reading> readings, List<Scene> asked) {
        Map<String, Double> right = new LinkedHashMap<>();
        Vocabulary.ATTRIBUTES.forEach(a -> right.put(a, 0.0));
        right.put("all", 0.0);
        for (int i = 0; i < readings.size(); i++) {
            Map<String, String> got = readings.get(i).attributes();
            Map<String, String> want = asked.get(i).attributes();
            boolean all = true;
            for (String a : Vocabulary.ATTRIBUTES) {
                boolean ok = want.get(a).equals(got.get(a));
                right.merge(a, ok ? 1.0 : 0.0, Double::sum);
                all &= ok;
            }
            right.merge("all", all ? 1.0 : 0.0, Double::sum);
        }
        int n = Math.max(1, readings.size());
        right.replaceAll((k, v) -> v / n);
        return right;
    }
}
