"""The closed vocabulary and its procedural images: one object on a plain background.

Deterministic by seed (numpy PCG64). Scenes are drawn at any size with the same geometry, so a 32x32 render
and a 128x128 render of one scene are the low- and high-resolution pair the upscaler trains on.
"""
import numpy as np

COLOURS = {
    "red": (230, 30, 30),
    "green": (30, 190, 40),
    "blue": (30, 60, 230),
    "yellow": (240, 220, 30),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
}
COLOUR_NAMES = list(COLOURS)
SHAPES = ["circle", "square", "triangle", "cross"]
POSITIONS = ["top left", "top center", "top right",
             "middle left", "center", "middle right",
             "bottom left", "bottom center", "bottom right"]
# The words the text encoder knows; everything else is listed back as ignored.
WORDS = sorted(set(COLOUR_NAMES) | set(SHAPES) | {w for p in POSITIONS for w in p.split()}
               | {"a", "an", "the", "in", "on", "at", "with", "background", "and", "of"})
PAD, BEGIN, END = 0, 1, 2
FIRST_WORD = 3
VOCAB = {w: FIRST_WORD + i for i, w in enumerate(WORDS)}
MAX_TOKENS = 24
# Object side as a share of the image side, and the jitter of its centre (share of a cell).
SIZE_MIN, SIZE_MAX = 0.30, 0.36
JITTER = 0.08
SUPERSAMPLE = 4


def words(text):
    out, cur = [], []
    for ch in text.lower():
        if "a" <= ch <= "z":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def encode(text):
    """begin, known words, end (at most MAX_TOKENS ids) and the ignored words."""
    ids, ignored = [BEGIN], []
    for w in words(text):
        if w in VOCAB:
            if len(ids) < MAX_TOKENS - 1:
                ids.append(VOCAB[w])
        else:
            ignored.append(w)
    ids.append(END)
    return ids, ignored


# The first form stands twice (it is the README's, drawn twice as often); v9 was trained with this list as it is,
# so it stays, for the same seed and command to reproduce the run.
TEMPLATES = [
    "a {oc} {sh} in the {pos} on a {bg} background",
    "a {oc} {sh} on a {bg} background in the {pos}",
    "{bg} background with a {oc} {sh} in the {pos}",
    "{bg} background, {oc} {sh}, {pos}",
    "a {oc} {sh} in the {pos} on a {bg} background",
    "{oc} {sh} {pos} {bg} background",
]
TEMPLATES_FOR_EVAL = TEMPLATES[:4]


class Scene:
    __slots__ = ("background", "colour", "shape", "position", "size", "dx", "dy")

    def __init__(self, background, colour, shape, position, size=1 / 3, dx=0.0, dy=0.0):
        self.background, self.colour, self.shape, self.position = background, colour, shape, position
        self.size, self.dx, self.dy = size, dx, dy

    def attributes(self):
        return {"background": self.background, "colour": self.colour, "shape": self.shape,
                "position": self.position}

    def prompt(self, template=0):
        return TEMPLATES[template].format(oc=self.colour, sh=self.shape, pos=self.position, bg=self.background)


def random_scene(rng):
    bg = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
    oc = bg
    while oc == bg:
        oc = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
    return Scene(bg, oc, SHAPES[rng.integers(len(SHAPES))], POSITIONS[rng.integers(len(POSITIONS))],
                 float(rng.uniform(SIZE_MIN, SIZE_MAX)), float(rng.uniform(-JITTER, JITTER)),
                 float(rng.uniform(-JITTER, JITTER)))


def mask(scene, side):
    """Coverage in [0, 1] of the object at side x side, box-filtered from a 4x supersampled render."""
    n = side * SUPERSAMPLE
    cell = POSITIONS.index(scene.position)
    cx = ((cell % 3) + 0.5 + scene.dx) / 3.0
    cy = ((cell // 3) + 0.5 + scene.dy) / 3.0
    c = (np.arange(n, dtype=np.float64) + 0.5) / n
    x = c[None, :] - cx
    y = c[:, None] - cy
    h = scene.size / 2
    if scene.shape == "circle":
        m = x * x + y * y <= h * h
    elif scene.shape == "square":
        m = (np.abs(x) <= h) & (np.abs(y) <= h)
    elif scene.shape == "triangle":
        # apex up: at height y (from -h at the apex to +h at the base) the half width is (y + h) / 2
        m = (y >= -h) & (y <= h) & (np.abs(x) <= (y + h) / 2)
    elif scene.shape == "cross":
        arm = h / 3
        m = ((np.abs(x) <= h) & (np.abs(y) <= arm)) | ((np.abs(y) <= h) & (np.abs(x) <= arm))
    else:
        raise ValueError(scene.shape)
    return m.reshape(side, SUPERSAMPLE, side, SUPERSAMPLE).mean(axis=(1, 3))


def render(scene, side):
    """uint8 [side][side][3] sRGB."""
    m = mask(scene, side)[..., None]
    bg = np.array(COLOURS[scene.background], dtype=np.float64)
    fg = np.array(COLOURS[scene.colour], dtype=np.float64)
    return np.clip(np.rint(bg * (1 - m) + fg * m), 0, 255).astype(np.uint8)


def batch(rng, count, side):
    """count random scenes: images uint8 [count][side][side][3], object masks [count][side][side], scenes."""
    scenes = [random_scene(rng) for _ in range(count)]
    imgs = np.stack([render(s, side) for s in scenes])
    masks = np.stack([mask(s, side) for s in scenes]).astype(np.float32)
    return imgs, masks, scenes
