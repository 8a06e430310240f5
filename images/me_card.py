"""The "Dit ben ik" picture (the Prentenbeeld's result): a title over two groups of picture
cards, the strong sides ("Hier ben ik sterk in") and the growing sides ("Hier wil ik in
groeien").

Each group is a tinted panel of its own (sunny yellow for strong, soft green for growing)
under a drawn symbol (a flexed arm, a sprout) and its words, so the groups differ in colour,
shape and words. Cards look like the dream page's; both groups use one card size, chosen so
the whole picture stays at most about a phone screen tall (three rows of cards at most). An empty
group is left out.

The renderer puts ME_LAYOUT and the group words in the cache key of this picture, so a change
here needs a higher ME_LAYOUT, not a higher RENDER_VERSION (other images keep their keys).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from images.drawing import (
    ACCENT,
    INK,
    RGB,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    Shape,
    ringed,
    rounded,
    shadows,
    shape,
)
from images.layouts import COLLAGE_W, TITLE_INK, warm_background

ME_LAYOUT = 1  # part of the cache key: raise it whenever this drawing changes
MAX_ME = 8
ME_W = COLLAGE_W
STRONG_WORDS, GROWING_WORDS = "Hier ben ik sterk in", "Hier wil ik in groeien"

# Strong: a sunny yellow panel, an orange badge. Growing: a soft green panel, a green badge.
STRONG_TINT, GROWING_TINT = (255, 236, 170), (218, 241, 210)

MARGIN, PANEL_PAD, GAP, PANEL_GAP, BADGE, HEADING = 22, 22, 22, 30, 80, 46
CARD_MOST = 300  # px: bigger cards would make one or two pictures look lost
COLUMNS = (2, 3, 4)  # how many cards a row may hold (the same in both groups)
ME_MOST_H = 1600  # px: taller, and smaller cards are better (long labels on two lines)


@dataclass(frozen=True)
class Style:
    """How a group looks: its words, its symbol and its colours."""

    words: str
    symbol: Shape
    tint: RGB  # the panel
    edge: RGB  # the panel's border
    badge: RGB  # the disc behind the symbol
    strip: RGB  # under the labels
    ink: RGB  # the words


@dataclass(frozen=True)
class Group:
    """One panel: its pictures, their labels and its style."""

    ids: list[str]
    labels: list[str]
    style: Style


def groups_of(ids: list[str], labels: list[str], strong: frozenset[str]) -> list[Group]:
    """The groups that have pictures, strong sides first, each keeping the order of `ids`."""
    groups = []
    for style, wanted in ((STRONG, True), (GROWING, False)):
        pairs = [
            (pid, label)
            for pid, label in zip(ids, labels, strict=True)
            if (pid in strong) == wanted
        ]
        if pairs:
            groups.append(Group([pid for pid, _ in pairs], [label for _, label in pairs], style))
    return groups


def rows_of(count: int, columns: int) -> tuple[int, ...]:
    """`count` cards in as few rows of at most `columns` as can be, as even as can be, the
    longer rows first: 5 in threes is (3, 2), 7 in fours (4, 3)."""
    rows = math.ceil(count / columns)
    base, extra = divmod(count, rows)
    return (base + 1,) * extra + (base,) * (rows - extra)


def columns_by_rows(counts: Sequence[int]) -> list[int]:
    """How many cards a row may hold, best first: as few rows in all as can be, then cards
    as big as can be (eight pictures take three rows at most)."""
    return sorted(COLUMNS, key=lambda c: (sum(len(rows_of(n, c)) for n in counts), c))


@dataclass(frozen=True)
class Sizes:
    """The measures of one picture: card size, label size and where the panels start."""

    card_w: int
    pad: int
    pic: int
    label_px: int
    card_h: int
    top: int
    title_h: int

    def panel_h(self, count: int, columns: int) -> int:
        rows = len(rows_of(count, columns))
        return 2 * PANEL_PAD + BADGE + 18 + rows * (self.card_h + GAP) - GAP

    def height(self, groups: Sequence[Group], columns: int) -> int:
        panels = sum(self.panel_h(len(g.ids), columns) for g in groups)
        return self.top + panels + (len(groups) - 1) * PANEL_GAP + MARGIN + 8


def sizes_for(groups: Sequence[Group], title: str, columns: int, letters: Lettering) -> Sizes:
    """The measures with at most `columns` cards a row (one card size for both groups)."""
    inner = ME_W - 2 * MARGIN - 2 * PANEL_PAD
    card_w = min(CARD_MOST, (inner - (columns - 1) * GAP) // columns)
    pad = card_w // 14
    pic = card_w - 2 * pad
    labels = [label for g in groups for label in g.labels]
    label_px, label_h = letters.label_size(labels, pic, min(46, card_w // 6))
    card_h = pad + pic + 4 + label_h + 8 + pad
    title_h = letters.lines_height(title, ME_W - 200, 64) + 56 if title else 0
    top = (36 + title_h) if title else MARGIN
    return Sizes(card_w, pad, pic, label_px, card_h, top, title_h)


def draw_me_card(
    ids: list[str],
    labels: list[str],
    strong: frozenset[str],
    title: str,
    letters: Lettering,
    paste: PastePicture,
) -> Image.Image:
    """`title` (none when empty) over the panel of strong sides and the panel of growing
    sides (each left out when empty)."""
    groups = groups_of(ids, labels, strong)
    counts = [len(group.ids) for group in groups]
    tries = [(sizes_for(groups, title, c, letters), c) for c in columns_by_rows(counts)]
    sizes, columns = next(
        ((s, c) for s, c in tries if s.height(groups, c) <= ME_MOST_H),
        min(tries, key=lambda sc: sc[0].height(groups, sc[1])),
    )
    canvas = warm_background(ME_W, sizes.height(groups, columns))
    if title:
        letters.text(canvas, title, (100, 32, ME_W - 100, sizes.title_h - 12), 64, TITLE_INK)
        middle = ME_W // 2
        bar = (middle - 70, sizes.title_h - 2, middle + 70, sizes.title_h + 8)
        rounded(canvas, bar, 5, ACCENT)
    y = sizes.top
    for group in groups:
        height = sizes.panel_h(len(group.ids), columns)
        draw_group(
            canvas, group, (MARGIN, y, ME_W - MARGIN, y + height), sizes, columns, letters, paste
        )
        y += height + PANEL_GAP
    return canvas


def draw_group(
    canvas: Image.Image,
    group: Group,
    box: Box,
    sizes: Sizes,
    columns: int,
    letters: Lettering,
    paste: PastePicture,
) -> None:
    """One tinted panel: the badge and words on top, the cards in centred rows below."""
    x0, y0, x1, _ = box
    style = group.style
    shadows(canvas, [box], 30, blur=8, strength=40)
    rounded(canvas, box, 30, style.edge)
    rounded(canvas, box, 26, style.tint, inset=4)
    # The heading: the badge and the words, centred together.
    size, (line, *_) = letters.fit(style.words, x1 - x0 - 2 * PANEL_PAD - BADGE - 24, HEADING)
    font = letters.font(size)
    words_w = int(font.getlength(line))
    left = (x0 + x1 - BADGE - 20 - words_w) // 2
    badge_top = y0 + PANEL_PAD
    badge = (left, badge_top, left + BADGE, badge_top + BADGE)
    ringed(canvas, badge, BADGE // 2, style.badge, BADGE // 2 + 3)
    inset = BADGE // 6
    mark = (badge[0] + inset, badge[1] + inset, badge[2] - inset, badge[3] - inset)
    shape(canvas, mark, WHITE, style.symbol)
    draw = ImageDraw.Draw(canvas)
    draw.text((left + BADGE + 20, badge_top + BADGE // 2), line, style.ink, font, "lm")
    # The cards.
    top = badge_top + BADGE + 18
    spots: list[Box] = []
    for r, count in enumerate(rows_of(len(group.ids), columns)):
        y = top + r * (sizes.card_h + GAP)
        row_left = (x0 + x1 - count * (sizes.card_w + GAP) + GAP) // 2
        xs = [row_left + c * (sizes.card_w + GAP) for c in range(count)]
        spots += [(x, y, x + sizes.card_w, y + sizes.card_h) for x in xs]
    shadows(canvas, spots, 24, blur=8, strength=60)
    pad, pic = sizes.pad, sizes.pic
    for pid, label, (x, y, cx1, cy1) in zip(group.ids, group.labels, spots, strict=True):
        label_top = y + pad + pic + 4
        rounded(canvas, (x, y, cx1, cy1), 24, style.strip)  # the label on a coloured strip
        rounded(canvas, (x, y, cx1, label_top + 24), 24, WHITE)
        canvas.paste(style.strip, (x, label_top, cx1, label_top + 24))
        paste(canvas, pid, x + pad, y + pad, pic)
        letters.text(canvas, label, (x + pad, label_top, cx1 - pad, cy1 - pad), sizes.label_px, INK)


# -- the symbols (drawn in a mask, 255 = ink) ---------------------------------------------------


def draw_arm(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A flexed arm (the strong sides), like 💪: the upper arm along the bottom with the
    biceps bulging on it, the forearm up from the elbow to a fist."""

    def at(x: float, y: float) -> tuple[float, float]:  # from per cent of the box
        return w * x / 100, h * y / 100

    def oval(cx: float, cy: float, rx: float, ry: float, fill: int) -> None:
        draw.ellipse((*at(cx - rx, cy - ry), *at(cx + rx, cy + ry)), fill)

    draw.polygon([at(64, 88), at(94, 84), at(84, 30), at(62, 32)], 255)  # the forearm
    draw.rounded_rectangle((*at(46, 4), *at(88, 40)), w * 0.14, 255)  # the fist
    draw.rounded_rectangle((*at(2, 72), *at(94, 96)), w * 0.12, 255)  # the upper arm
    oval(37, 58, 31, 27, 0)  # the biceps, with a thin gap between it and the forearm
    oval(37, 58, 26.5, 22.5, 255)
    draw.rectangle((*at(2, 72), *at(56, 96)), 255)  # joined to the upper arm below
    for y in (15, 26):  # fingers: two gaps on the inner side of the fist
        draw.line([at(46, y), at(59, y)], 0, int(w * 0.04))


def draw_sprout(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A sprout (the growing sides): a stem from a little mound, with two leaves."""
    stem = int(w * 0.09)
    draw.line(
        [(w * 0.5, h * 0.88), (w * 0.5, h * 0.5), (w * 0.53, h * 0.36)], 255, stem, joint="curve"
    )
    draw.ellipse((w * 0.2, h * 0.8, w * 0.8, h * 1.05), 255)  # the mound
    draw.polygon(leaf(w, h, (0.47, 0.58), (0.06, 0.34), 0.17), 255)
    draw.polygon(leaf(w, h, (0.53, 0.42), (0.94, 0.12), 0.2), 255)


def leaf(
    w: int, h: int, base: tuple[float, float], tip: tuple[float, float], width: float
) -> list[tuple[float, float]]:
    """A pointed leaf from `base` to `tip` (fractions of the box), `width` wide at most."""
    (bx, by), (tx, ty) = base, tip
    length = math.hypot(tx - bx, ty - by)
    ux, uy = (tx - bx) / length, (ty - by) / length  # along the leaf
    nx, ny = -uy, ux  # across it
    steps = 24
    side = [
        (t, width / 2 * math.sin(math.pi * t) ** 0.8) for t in (i / steps for i in range(steps + 1))
    ]
    outline = [*side, *((t, -s) for t, s in reversed(side))]
    return [
        (w * (bx + ux * length * t + nx * s), h * (by + uy * length * t + ny * s))
        for t, s in outline
    ]


STRONG = Style(
    STRONG_WORDS,
    draw_arm,
    tint=STRONG_TINT,
    edge=(240, 190, 70),
    badge=(226, 134, 20),
    strip=(255, 222, 138),
    ink=TITLE_INK,
)
GROWING = Style(
    GROWING_WORDS,
    draw_sprout,
    tint=GROWING_TINT,
    edge=(128, 190, 112),
    badge=(46, 138, 60),
    strip=(192, 230, 180),
    ink=(26, 92, 38),
)
