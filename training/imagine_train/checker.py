"""Reads a generated image and decides each attribute, in the spirit of GenEval.

background: the median of the border pixels, nearest palette colour; object colour: the median of the pixels
that differ from the background, nearest palette colour other than the background's; position: the centre of
those pixels on the 3x3 grid; shape: the best intersection-over-union of the mask against each shape's template
drawn over the mask's own bounding box. kernels' ShapeChecker.java is the same algorithm in Java.
"""
import numpy as np

from . import procedural as P

PALETTE = np.array([P.COLOURS[c] for c in P.COLOUR_NAMES], dtype=np.float64)
# A pixel belongs to the object when it is this far (sRGB Euclidean) from the background colour.
OBJECT_DISTANCE = 60.0


def nearest(rgb, exclude=None):
    d = ((PALETTE - rgb) ** 2).sum(axis=1)
    if exclude is not None:
        d[P.COLOUR_NAMES.index(exclude)] = np.inf
    return P.COLOUR_NAMES[int(np.argmin(d))]


def template(shape, side, x0, y0, x1, y1):
    """The shape's mask over the box [x0, x1) x [y0, y1), in a side x side image."""
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    n = max(w, h)
    c = (np.arange(n) + 0.5) / n - 0.5
    x, y = c[None, :], c[:, None]
    half = 0.5
    if shape == "circle":
        m = x * x + y * y <= half * half
    elif shape == "square":
        m = np.ones((n, n), dtype=bool)
    elif shape == "triangle":
        m = np.abs(x) <= (y + half) / 2
    else:
        arm = half / 3
        m = (np.abs(y) <= arm) | (np.abs(x) <= arm)
    # the square template box is centred on the mask's box
    out = np.zeros((side, side), dtype=bool)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ox, oy = int(round(cx - n / 2)), int(round(cy - n / 2))
    ys, xs = np.nonzero(m)
    ys, xs = ys + oy, xs + ox
    keep = (ys >= 0) & (ys < side) & (xs >= 0) & (xs < side)
    out[ys[keep], xs[keep]] = True
    return out


def check(img):
    """img uint8 [H][W][3] (square) to {background, colour, shape, position}; None for what cannot be read."""
    a = img.astype(np.float64)
    side = a.shape[0]
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    bg_rgb = np.median(border, axis=0)
    bg = nearest(bg_rgb)
    dist = np.sqrt(((a - PALETTE[P.COLOUR_NAMES.index(bg)]) ** 2).sum(axis=2))
    obj = dist > OBJECT_DISTANCE
    out = {"background": bg, "colour": None, "shape": None, "position": None}
    if obj.sum() < 2:
        return out
    colour = nearest(np.median(a[obj], axis=0), exclude=bg)
    out["colour"] = colour
    # the shape's mask: pixels nearer the object's colour than the background's (coverage above one half)
    fg = PALETTE[P.COLOUR_NAMES.index(colour)]
    bgc = PALETTE[P.COLOUR_NAMES.index(bg)]
    obj = ((a - fg) ** 2).sum(axis=2) < ((a - bgc) ** 2).sum(axis=2)
    if obj.sum() < 2:
        return out
    ys, xs = np.nonzero(obj)
    cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
    col = min(2, int(cx * 3 / side))
    row = min(2, int(cy * 3 / side))
    out["position"] = P.POSITIONS[row * 3 + col]
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    best, best_iou = None, -1.0
    for shape in P.SHAPES:
        t = template(shape, side, x0, y0, x1, y1)
        iou = (t & obj).sum() / max(1, (t | obj).sum())
        if iou > best_iou:
            best, best_iou = shape, iou
    out["shape"] = best
    return out


ATTRIBUTES = ["background", "colour", "shape", "position"]


def score(images, scenes):
    """Per-attribute accuracy and all (every attribute right) over images and their asked scenes."""
    right = {k: 0 for k in ATTRIBUTES}
    right["all"] = 0
    for img, s in zip(images, scenes):
        got = check(img)
        want = s.attributes()
        ok = [got[k] == want[k] for k in ATTRIBUTES]
        for k, o in zip(ATTRIBUTES, ok):
            right[k] += o
        right["all"] += all(ok)
    n = max(1, len(scenes))
    return {k: v / n for k, v in right.items()}
