"""The Praatplaat's result picture, "the board": her dream job on a big card in the middle of
a round board, the work conditions that matter to her on smaller cards in a ring round it
(clockwise from the top), each joined to the dream job by a thick marker line drawn under
the cards, as she would draw them on the paper board. Under the board, a strip headed by a
few words ("Daarom wil ik werken") holds her focus and her reasons; a title goes on top.

Up to eight conditions sit at even turns on a circle (a wide oval if need be); more sit in a
frame of rows and columns round the middle. Cards shrink (labels never below 27 px) until
the picture is at most about 1700 px tall; only the fullest boards are taller.

The renderer puts BOARD_LAYOUT in the cache key of this picture: raise it whenever the
drawing changes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, ImageFilter

from images.drawing import (
    ACCENT,
    INK,
    RGB,
    SHADOW,
    SS,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    line_options,
    rounded,
    shadows,
    shape,
)
from images.layouts import COLLAGE_W, GOLD, PASTELS, TITLE_INK, warm_background
from images.me_card import rows_of

BOARD_LAYOUT = 1  # the renderer puts it in the cache key; raise it whenever the drawing changes
MAX_AROUND = 16
MAX_BELOW = 8
Pic = tuple[str, str]  # (picture id, its label)
Point = tuple[float, float]
Kind = Literal["circle", "oval", "frame"]  # how the small cards stand round the middle

BOARD_W, MOST_H = COLLAGE_W, 1700
MARGIN, GAP, CLEAR = 14, 14, 64  # px: round the picture, between cards, line left showing
LABEL_PX, LEAST_PX = 34, 27  # labels: as big as all fit on two lines, never under 27 px
WIDTHS = (196, 184, 172, 160, 148)  # a small card's width, largest first, until all fits
CENTRE_MOST = 300  # the dream job's card: 1.4× a small card, at most this wide
BOARD_TINT, BOARD_EDGE, TRACK = (255, 252, 244), (247, 206, 160), (252, 232, 208)
LINE, LINE_W = (38, 122, 168), 14  # a blue marker
CENTRE_STRIP = (255, 226, 150)
STRIP_TINT, STRIP_EDGE, HEADING = (225, 238, 251), (160, 196, 232), 44


def label_lines(letters: Lettering, text: str, width: int, px: int) -> tuple[int, list[str]]:
    """`text` at `px` on one line or else two; smaller only if a word is too long for that."""
    font = letters.font(px)
    fitting = [o for o in line_options(text) if max(map(font.getlength, o)) <= width]
    return (px, min(fitting, key=len)) if fitting else letters.fit(text, width, px)


@dataclass(frozen=True)
class Size:
    """One card: its width and height, the padding round the picture, the picture, the label."""

    w: int
    h: int
    pad: int
    pic: int
    label_px: int

    def box(self, x: float, y: float, above: float | None = None) -> Box:
        """The card with its middle (or the point `above` px under its top) at (x, y)."""
        left, top = round(x - self.w / 2), round(y - (self.h / 2 if above is None else above))
        return left, top, left + self.w, top + self.h


def sized(width: int, labels: Sequence[str], letters: Lettering) -> Size:
    """A card `width` wide, its labels as big as all fit (on one line or two), tall enough
    for the longest."""
    room = width - 12

    def fits(px: int, among: Sequence[str]) -> list[str]:
        return [label for label in among if label_lines(letters, label, room, px)[0] == px]

    can = fits(LEAST_PX, labels)  # a word too long even at the least size does not choose
    px = next((px for px in range(LABEL_PX, LEAST_PX, -1) if fits(px, can) == can), LEAST_PX)
    lines = max((len(label_lines(letters, label, room, px)[1]) for label in labels), default=1)
    label_h = lines * sum(letters.font(px).getmetrics()) + 14
    return Size(width, width + 2 + label_h, width // 14, width - 2 * (width // 14), px)


def oval(a: float, b: float, power: float) -> list[Point]:
    """Points round an oval of half-width `a` and half-height `b`, clockwise from the top;
    the higher `power`, the squarer (2 is an ellipse)."""

    def bent(v: float) -> float:
        return math.copysign(abs(v) ** (2 / power), v)

    turns = (2 * math.pi * i / 720 for i in range(721))
    return [(a * bent(math.sin(t)), -b * bent(math.cos(t))) for t in turns]


def frames(count: int, a: float, b: float, card: Size) -> Iterator[list[Point]]:
    """Ways to stand `count` cards round a rectangle of half-width `a` and half-height `b`,
    clockwise from the top, fewest down the sides first: rows along the top and bottom (the
    top one holding the odd one), columns down the sides."""
    across = int((2 * a + card.w + GAP) // (card.w + GAP))  # how many cards a row holds
    fewest = next(s for s in range(count) if math.ceil((count - 2 * s) / 2) <= across)

    def row(k: int, y: float) -> list[Point]:
        return [(a * (2 * i / (k - 1) - 1) if k > 1 else 0.0, y) for i in range(k)]

    for sides in range(max(fewest, count // 6), fewest + 3):  # some down the sides, like a ring
        top = math.ceil((count - 2 * sides) / 2)
        if top < 1:
            return
        right = [(a, b * (2 * (i + 1) / (sides + 1) - 1)) for i in range(sides)]
        upper, lower = row(top, -b), row(count - 2 * sides - top, b)[::-1]
        first = next(i for i, (x, _) in enumerate(upper) if x >= 0)  # at (or just after) noon
        yield [*upper[first:], *right, *lower, *((-x, -y) for x, y in right), *upper[:first]]


def apart(p: Box, q: Box, gap: float) -> bool:
    """Whether two boxes are at least `gap` apart."""
    return p[2] + gap <= q[0] or q[2] + gap <= p[0] or p[3] + gap <= q[1] or q[3] + gap <= p[1]


def shown(x: float, y: float, card: Size, centre_box: Box) -> float:
    """How much of the line from the middle to a card at (x, y) shows between the cards."""

    def part(span: float, along: float) -> float:  # of the line, to cross `span` along an axis
        return span / abs(along) if along else math.inf

    x0, y0, x1, y1 = centre_box
    leaves = min(part(x1 if x > 0 else -x0, x), part(y1 if y > 0 else -y0, y))
    enters = 1 - min(part(card.w / 2, x), part(card.h / 2, y))
    return (enters - leaves) * math.hypot(x, y)


def crosses(x: float, y: float, box: Box, margin: int) -> bool:
    """Whether the line from (x, y) to the middle runs through `box` (or `margin` from it)."""
    x0, y0, x1, y1 = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    low, high = 0.0, 1.0
    for p, q in ((x, x - x0), (-x, x1 - x), (y, y - y0), (-y, y1 - y)):
        if p == 0 and q < 0:
            return False
        if p:
            low, high = (max(low, q / p), high) if p < 0 else (low, min(high, q / p))
    return low <= high


def ring(count: int, card: Size, centre_box: Box, kind: Kind, b: float) -> list[Point] | None:
    """The spots of `count` cards on a ring of `kind` `b` high (a circle or an oval, at even
    turns, or a frame), or None if cards would touch or hide their lines."""
    a = min(b, widest(card)) if kind == "circle" else widest(card)
    turns = [2 * math.pi * k / count for k in range(count)]
    even = [(a * math.sin(t), -b * math.cos(t)) for t in turns]
    down = (centre_box[1] + centre_box[3]) / 2  # round the dream job's card, not its picture
    for ring in frames(count, a, b, card) if kind == "frame" else [even]:
        spots = [(x, y + down) for x, y in ring]
        boxes = [card.box(*spot) for spot in spots]
        clear = all(
            apart(box, centre_box, GAP) and shown(*spot, card, centre_box) >= CLEAR
            for box, spot in zip(boxes, spots, strict=True)
        )
        apiece = all(apart(p, q, GAP) for p, q in itertools.combinations(boxes, 2))
        pairs = itertools.permutations(range(len(spots)), 2)
        hidden = any(crosses(*spots[i], boxes[j], 4) for i, j in pairs)  # a line under a card
        if clear and apiece and not hidden:
            return spots
    return None


def widest(card: Size) -> float:
    """The half-width of the widest ring of cards that fits the picture."""
    return BOARD_W / 2 - MARGIN - card.w / 2


@dataclass(frozen=True)
class Plan:
    """Where the board's things go, from the middle of the dream job's picture."""

    small: Size
    centre: Size
    centre_box: Box
    spots: list[Point]
    track: list[Point]  # the ring the small cards stand on
    board: list[Point]  # the board's edge
    up: int  # from the middle to the top of the drawing
    down: int  # and to its bottom


def plan_board(
    labels: Sequence[str],
    centre_label: str,
    width: int,
    kind: Kind,
    most_h: int,
    letters: Lettering,
) -> Plan | None:
    """The board with small cards `width` wide on the lowest ring of `kind` that holds
    them, or None if it would be taller than `most_h`."""
    count, small = len(labels), sized(width, labels, letters)
    centre = sized(min(CENTRE_MOST, width * 7 // 5), [centre_label], letters)
    above = centre.pad + centre.pic / 2  # the middle is the middle of the dream job's picture
    centre_box = centre.box(0, 0, above)
    low, high = int(centre.h / 2 + CLEAR + small.h / 2), (most_h - small.h) // 2
    if kind != "frame":  # round: at most a little taller than wide
        high = min(high, int(1.15 * widest(small)))
    spots = ring(count, small, centre_box, kind, high) if count else []
    if spots is None:
        return None
    while count and high - low > 4:  # the lowest ring that holds them
        middle = (low + high) // 2
        lower = ring(count, small, centre_box, kind, middle)
        low, high, spots = (low, middle, lower) if lower else (middle, high, spots)
    a = min(high, widest(small)) if kind == "circle" else widest(small)
    a, b = (a, float(high)) if count else (0.0, 0.0)
    edge = min(BOARD_W / 2 - 8 - a, small.w * 0.45) if count else math.dist((0, 0), centre_box[2:])
    shift = (centre_box[1] + centre_box[3]) / 2  # the board is round the dream job's card
    power = 8 if kind == "frame" else 2  # a frame stands on a squarer board
    board = [(x, y + shift) for x, y in oval(a + edge, b + edge, power)]
    up = max([b + edge + 4 - shift, -centre_box[1], *(small.h / 2 - y for _, y in spots)])
    down = max([b + edge + 14 + shift, centre_box[3], *(small.h / 2 + y for _, y in spots)])
    if up + down > most_h:
        return None
    track = [(x, y + shift) for x, y in oval(a, b, power)] if count else []
    return Plan(small, centre, centre_box, spots, track, board, int(up), int(down))


def strip_h(count: int, card: Size) -> int:
    """How tall the strip of `count` cards is (four a row, its words on top); 0 if none."""
    rows = len(rows_of(count, 4)) if count else 0
    return 2 * 18 + HEADING + 14 + rows * (card.h + GAP) - GAP if count else 0


def draw_board(
    centre: Pic,
    around: Sequence[Pic],
    below: Sequence[Pic],
    below_words: str,
    title: str,
    letters: Lettering,
    paste: PastePicture,
) -> Image.Image:
    """`title` (none when empty) over the board: the dream job `centre` in the middle, the
    conditions `around` it joined to it by lines, and under it the strip of `below` headed
    by `below_words` (none when `below` is empty)."""
    if len(around) > MAX_AROUND or len(below) > MAX_BELOW:
        raise ValueError(f"a board holds at most {MAX_AROUND} around and {MAX_BELOW} below")
    ids = [pid for pid, _ in (centre, *around, *below)]
    if not all(ids) or len(set(ids)) != len(ids):
        raise ValueError(f"a board shows each picture once, got {ids}")
    title_h = letters.lines_height(title, BOARD_W - 200, 64) + 56 if title else 0
    top = 36 + title_h if title else MARGIN
    labels, below_labels = [label for _, label in around], [label for _, label in below]
    kinds: tuple[Kind, ...] = ("circle", "oval", "frame") if len(around) > 8 else ("circle", "oval")
    tries = [(kind, width, MOST_H) for kind in kinds for width in WIDTHS]
    last: list[tuple[Kind, int, int]] = [(k, WIDTHS[-1], 9 * MOST_H) for k in (kinds[-1], "frame")]
    for kind, width, most_h in [*tries, *last]:  # the last ones without a height limit
        below_size = sized(width, below_labels, letters)
        rest = top + strip_h(len(below), below_size) + 2 * MARGIN
        plan = plan_board(labels, centre[1], width, kind, most_h - rest, letters)
        if plan is not None:  # the roundest board with the biggest cards that fits
            break
    assert plan is not None  # the smallest cards always find room on a tall enough board
    canvas = warm_background(BOARD_W, rest + plan.up + plan.down)
    if title:
        letters.text(canvas, title, (100, 32, BOARD_W - 100, title_h - 12), 64, TITLE_INK)
        middle = BOARD_W // 2
        rounded(canvas, (middle - 70, title_h - 2, middle + 70, title_h + 8), 5, ACCENT)
    x, y = BOARD_W // 2, top + plan.up

    def at(points: Sequence[Point], grow: float = 1) -> list[Point]:
        return [(x + px * grow, y + py * grow) for px, py in points]

    mask = Image.new("L", canvas.size, 0)  # the board, with a soft shadow and a warm edge
    ImageDraw.Draw(mask).polygon([(px, py + 6) for px, py in at(plan.board)], 50)
    canvas.paste(SHADOW, (0, 0), mask.filter(ImageFilter.GaussianBlur(10)))
    ink(canvas, BOARD_EDGE, [at(plan.board)])
    ink(canvas, BOARD_TINT, [at(plan.board, 0.986)])
    if plan.spots:
        ink(canvas, TRACK, [at(plan.track)], 8)
        ink(canvas, LINE, [[spot, (x, y)] for spot in at(plan.spots)], LINE_W)
    x0, y0, x1, y1 = plan.centre_box
    centre_box = (x0 + x, y0 + y, x1 + x, y1 + y)
    boxes = [plan.small.box(*spot) for spot in at(plan.spots)]
    shadows(canvas, [*boxes, centre_box], 24, blur=8, strength=60)
    painter = Painter(canvas, letters, paste)
    for i, ((pid, label), box) in enumerate(zip(around, boxes, strict=True)):
        painter.card(pid, label, box, plan.small, PASTELS[i % len(PASTELS)])
    rounded(canvas, centre_box, 30, GOLD, inset=-6)  # the dream job: a gold frame
    painter.card(*centre, centre_box, plan.centre, CENTRE_STRIP)
    if below:
        strip = (MARGIN, y + plan.down + MARGIN, BOARD_W - MARGIN, canvas.height - MARGIN)
        painter.strip(below, below_words, strip, below_size)
    return canvas


def ink(canvas: Image.Image, fill: RGB, shapes: Sequence[Sequence[Point]], width: int = 0) -> None:
    """Smooth shapes through points: filled (`width` 0), or lines `width` px with round ends."""
    xs, ys, more = [x for s in shapes for x, _ in s], [y for s in shapes for _, y in s], width + 2
    box = (int(min(xs)) - more, int(min(ys)) - more, int(max(xs)) + more, int(max(ys)) + more)
    r = width * SS / 2

    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        for points in shapes:
            scaled = [((px - box[0]) * SS, (py - box[1]) * SS) for px, py in points]
            if not width:
                d.polygon(scaled, 255)
                continue
            d.line(scaled, 255, width * SS, joint="curve")
            for cx, cy in (scaled[0], scaled[-1]):
                d.ellipse((cx - r, cy - r, cx + r, cy + r), 255)

    shape(canvas, box, fill, draw)


@dataclass(frozen=True)
class Painter:
    """Draws cards, with their pictures and labels, on one canvas."""

    canvas: Image.Image
    letters: Lettering
    paste: PastePicture

    def card(self, pid: str, label: str, box: Box, size: Size, strip: RGB) -> None:
        """A white card with the picture on top and its label on a coloured strip."""
        x, y, x1, y1 = box
        label_top = y + size.pad + size.pic + 2
        rounded(self.canvas, box, 22, strip)
        rounded(self.canvas, (x, y, x1, label_top + 22), 22, WHITE)
        self.canvas.paste(strip, (x, label_top, x1, label_top + 22))
        self.paste(self.canvas, pid, x + size.pad, y + size.pad, size.pic)
        px, lines = label_lines(self.letters, label, size.w - 12, size.label_px)
        font, draw = self.letters.font(px), ImageDraw.Draw(self.canvas)
        line_h = sum(font.getmetrics())
        text_top = (label_top + y1 - len(lines) * line_h) // 2
        for i, line in enumerate(lines):
            draw.text(((x + x1) // 2, text_top + i * line_h), line, INK, font, "ma")

    def strip(self, pictures: Sequence[Pic], words: str, box: Box, size: Size) -> None:
        """A tinted panel: `words` on top, the cards in centred rows of at most four below."""
        x0, y0, x1, _ = box
        shadows(self.canvas, [box], 28, blur=8, strength=40)
        rounded(self.canvas, box, 28, STRIP_EDGE)
        rounded(self.canvas, box, 24, STRIP_TINT, inset=4)
        heading = (x0 + 40, y0 + 18, x1 - 40, y0 + 18 + HEADING)
        self.letters.text(self.canvas, words, heading, HEADING, TITLE_INK)
        boxes: list[Box] = []
        for r, count in enumerate(rows_of(len(pictures), 4)):
            y = heading[3] + 14 + r * (size.h + GAP)
            left = (x0 + x1 - count * (size.w + GAP) + GAP) // 2
            xs = [left + c * (size.w + GAP) for c in range(count)]
            boxes += [(x, y, x + size.w, y + size.h) for x in xs]
        shadows(self.canvas, boxes, 22, blur=8, strength=60)
        for i, ((pid, label), card) in enumerate(zip(pictures, boxes, strict=True)):
            self.card(pid, label, card, size, PASTELS[(i + 1) % len(PASTELS)])
