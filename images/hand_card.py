"""The HAND method's result, "my hand": a drawn open right hand (palm to us, thumb on the left)
with her answers in bubbles at the fingertips.

Each finger has its own colour: a ring on the finger and the edge, tint and heading of its
bubble, joined to the tip by a line with a dot. The middle finger's bubble is on top in the
middle, the index and ring fingers' left and right of it, the thumb's and little finger's lower
down beside the hand. A bubble shows the finger's words, then its pictures on white cards with
their labels, then what she typed (three lines at most); an unanswered finger shows a soft dash.
Picture sizes shrink until the whole stays at most HAND_MOST_H tall.

The renderer puts HAND_LAYOUT in the cache key: raise it whenever this drawing changes.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from images.drawing import (
    ACCENT,
    INK,
    RGB,
    SS,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    rounded,
    shadows,
)
from images.layouts import COLLAGE_W, TITLE_INK, warm_background

HAND_LAYOUT = 1  # the renderer puts it in the cache key; raise it whenever the drawing changes
FINGER_WORDS = (
    "Hier ben ik goed in",
    "Hier ga ik naartoe",
    "Hier heb ik een hekel aan",
    "Hier ben ik trouw aan",
    "Hier ben ik klein in",
)  # thumb → little finger
MAX_FINGER_PICTURES = 3
HAND_W, HAND_MOST_H = COLLAGE_W, 1700

# Emoji yellow with a warm brown outline, a blue sleeve; one accent per finger, thumb first:
# coral red, blue, purple, green, magenta.
SKIN, SKIN_EDGE, SKIN_LINE = (255, 204, 77), (196, 124, 32), (232, 162, 48)
SLEEVE, CUFF, SLEEVE_EDGE = (120, 166, 222), (232, 241, 252), (74, 104, 150)
ACCENTS: tuple[RGB, ...] = ((222, 74, 62), (42, 108, 218), (138, 78, 204), (36, 146, 74))
ACCENTS += ((214, 62, 148),)

MARGIN, GAP, EDGE, PAD, RADIUS, REACH = 18, 20, 5, 12, 28, 44
SIDE_W = 264  # the side columns' bubbles; the middle finger's fills the middle column
MIDDLE_W = HAND_W - 2 * MARGIN - 2 * SIDE_W - 2 * GAP
HEADING_PX, LABEL_PX, WORDS_PX, WORDS_LINES, DASH_H = 32, 32, 28, 3, 34
PICS = (128, 116, 104, 92, 80, 68)  # picture sizes to try, biggest first
HAND_BOX_W = 340  # the hand is drawn in units: its box is 100 units wide
HAND_X, UNIT = (HAND_W - HAND_BOX_W) // 2, HAND_BOX_W / 100

Point = tuple[float, float]


@dataclass(frozen=True)
class FingerAnswer:
    """What she answered for one finger: 0–3 (picture id, label) pairs and typed words."""

    pictures: tuple[tuple[str, str], ...] = ()
    words: str = ""  # what she typed; "" when none


@dataclass(frozen=True)
class Digit:
    """A finger of the drawn hand (in units), from its base in the palm to its tip."""

    base: Point
    tip: Point
    width: float
    ring: float  # where its ring is: 0 at the base, 1 at the tip

    def at(self, t: float, side: float = 0.0) -> Point:
        """The point `t` of the way to the tip, `side` units to the right of the middle."""
        (bx, by), (tx, ty) = self.base, self.tip
        ux, uy = (tx - bx), (ty - by)
        across = side / math.hypot(ux, uy)
        return bx + ux * t - uy * across, by + uy * t + ux * across

    def end(self) -> Point:
        """The very end of the rounded tip."""
        return self.at(1 + self.width / 2 / math.dist(self.base, self.tip))


DIGITS = (  # thumb → little finger
    Digit((36, 100), (11, 60), 19, 0.62),
    Digit((36, 62), (27, 19), 17, 0.62),
    Digit((51, 60), (51, 11), 18, 0.5),
    Digit((66, 62), (74, 15), 17, 0.58),
    Digit((80, 72), (89, 37), 15, 0.66),
)
PALM, WRIST, OUTLINE = (26, 58, 86, 122, 22), (32, 78), 1.3  # units


@dataclass(frozen=True)
class Layout:
    """Where things go: the bubbles (thumb first), the hand's top and the card measures."""

    bubbles: tuple[Box, ...]
    hand_top: int
    height: int
    title_h: int
    cards: tuple[int, int, int]  # picture size, label size, label height


def draw_hand(
    fingers: Sequence[FingerAnswer], title: str, letters: Lettering, paste: PastePicture
) -> Image.Image:
    """`title` (none when empty) over the hand with a bubble for each of the 5 `fingers`
    (thumb first). Characters the font cannot draw (emoji) are left out of all text."""
    if len(fingers) != len(FINGER_WORDS):
        raise ValueError(f"a hand has {len(FINGER_WORDS)} fingers, got {len(fingers)}")
    if any(len(finger.pictures) > MAX_FINGER_PICTURES for finger in fingers):
        raise ValueError(f"a finger shows at most {MAX_FINGER_PICTURES} pictures")
    font = letters.font(WORDS_PX)
    answers = [
        FingerAnswer(
            tuple((p, drawable(label, font)) for p, label in f.pictures), drawable(f.words, font)
        )
        for f in fingers
    ]
    title = drawable(title, font)
    tries = (arrange(answers, title, pic, letters) for pic in PICS)
    layout = next((t for t in tries if t.height <= HAND_MOST_H), None)
    layout = layout or arrange(answers, title, PICS[-1], letters)
    canvas = warm_background(HAND_W, layout.height)
    if title:
        letters.text(canvas, title, (100, 32, HAND_W - 100, layout.title_h - 12), 64, TITLE_INK)
        bar, middle = layout.title_h, HAND_W // 2
        rounded(canvas, (middle - 70, bar - 2, middle + 70, bar + 8), 5, ACCENT)
    shadows(canvas, list(layout.bubbles), RADIUS, blur=8, strength=40)
    hand = (HAND_X, layout.hand_top, HAND_X + HAND_BOX_W, layout.height)
    draw_the_hand(canvas, hand)
    for digit, bubble, accent in zip(DIGITS, layout.bubbles, ACCENTS, strict=True):
        connect(canvas, hand, digit, bubble, accent)  # first: each line ends under its bubble
    for finger, (answer, bubble) in enumerate(zip(answers, layout.bubbles, strict=True)):
        draw_bubble(canvas, bubble, finger, answer, layout.cards, letters, paste)
    return canvas


def drawable(text: str, font: ImageFont.FreeTypeFont) -> str:
    """`text` without what `font` cannot draw (emoji, invisible joiners), spaces tidied."""
    missing = font.getmask("\U000f0000")  # a private-use character: drawn as the "no glyph" box

    def keep(char: str) -> bool:
        if char.isspace():
            return True
        if unicodedata.category(char) == "Cf" or "\ufe00" <= char <= "\ufe0f":
            return False
        mask = font.getmask(char)
        return (mask.size, bytes(mask)) != (missing.size, bytes(missing))

    return " ".join("".join(char for char in text if keep(char)).split())


def inner_w(finger: int) -> int:
    """How wide the inside of a finger's bubble is."""
    return (MIDDLE_W if finger == 2 else SIDE_W) - 2 * (EDGE + PAD)


def heading(finger: int, letters: Lettering) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """A finger's words on two lines ("Hier ben ik" over the rest) and the font they fit."""
    first, rest = FINGER_WORDS[finger].split(" ik ", 1)
    fonts = (letters.font(size) for size in range(HEADING_PX, 11, -1))
    lines = [f"{first} ik", rest]
    return next(f for f in fonts if max(map(f.getlength, lines)) <= inner_w(finger)), lines


def bubble_h(
    finger: int, answer: FingerAnswer, cards: tuple[int, int, int], letters: Lettering
) -> int:
    """How tall a finger's bubble is."""
    font, lines = heading(finger, letters)
    height = 2 * (EDGE + PAD) + len(lines) * sum(font.getmetrics())
    height += len(answer.pictures) * (10 + 6 + cards[0] + cards[2])
    if answer.words:
        shown, _ = letters.wrap(answer.words, inner_w(finger), WORDS_PX, WORDS_LINES)
        height += 8 + len(shown) * sum(letters.font(WORDS_PX).getmetrics())
    elif not answer.pictures:
        height += 8 + DASH_H
    return height


def arrange(answers: Sequence[FingerAnswer], title: str, pic: int, letters: Lettering) -> Layout:
    """The layout with pictures `pic` px square. The index and ring fingers' bubbles reach at
    least as low as the middle one (so the lines to them pass under it); the hand is as high
    as lets the thumb's and little finger's bubbles start just above their fingertips."""
    labels = [label for answer in answers for _, label in answer.pictures] or ["-"]
    cards = (pic, *letters.label_size(labels, inner_w(0) - 12, LABEL_PX))
    heights = [bubble_h(finger, answer, cards, letters) for finger, answer in enumerate(answers)]
    title_h = letters.lines_height(title, HAND_W - 200, 64) + 56 if title else 0
    top = (36 + title_h) if title else MARGIN
    left, right = MARGIN, HAND_W - MARGIN - SIDE_W
    middle = (left + SIDE_W + GAP, top, right - GAP, top + heights[2])

    def side(x: int, y: int, height: int) -> Box:
        return x, y, x + SIDE_W, y + height

    index = side(left, max(top, middle[3] - heights[1]), heights[1])
    ring = side(right, max(top, middle[3] - heights[3]), heights[3])
    thumb_at, little_at = (round(DIGITS[i].end()[1] * UNIT) - 70 for i in (0, 4))
    hand_top = max(middle[3] + REACH, index[3] + GAP - thumb_at, ring[3] + GAP - little_at)
    thumb = side(left, max(index[3] + GAP, hand_top + thumb_at), heights[0])
    little = side(right, max(ring[3] + GAP, hand_top + little_at), heights[4])
    height = max(thumb[3], little[3], hand_top + round(PALM[3] * UNIT) + 60) + MARGIN + 8
    return Layout((thumb, index, middle, ring, little), hand_top, height, title_h, cards)


# -- the hand -------------------------------------------------------------------------------


def line(draw: ImageDraw.ImageDraw, a: Point, b: Point, width: float) -> None:
    """A line with round ends."""
    draw.line([a, b], 255, round(width))
    for x, y in (a, b):
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), 255)


def paint(canvas: Image.Image, box: Box, fill: RGB, mask: Image.Image) -> None:
    """Paint `fill` through `mask`, drawn at SS× the size of `box`: smooth edges."""
    size = (box[2] - box[0], box[3] - box[1])
    canvas.paste(fill, box[:2], mask.resize(size, Image.Resampling.BOX))


def hand_mask(size: tuple[int, int], grow: float) -> Image.Image:
    """The hand (255) in a box of `size`, 100 units wide, `grow` units bigger all round; the
    wrist goes on to the bottom of the box."""
    mask, unit = Image.new("L", size, 0), size[0] / 100
    draw = ImageDraw.Draw(mask)
    x0, y0, x1, y1, radius = (v * unit for v in PALM)
    g = grow * unit
    draw.rounded_rectangle((x0 - g, y0 - g, x1 + g, y1 + g), radius + g, 255)
    draw.rectangle((WRIST[0] * unit - g, y1 - radius, WRIST[1] * unit + g, size[1]), 255)
    for digit in DIGITS:
        (bx, by), (tx, ty) = digit.base, digit.tip
        line(draw, (bx * unit, by * unit), (tx * unit, ty * unit), digit.width * unit + 2 * g)
    return mask


def sleeve_mask(size: tuple[int, int], grow: float, cuff: bool = False) -> Image.Image:
    """The sleeve (255) from just under the wrist to the bottom, widening; or only its cuff."""
    mask, unit = Image.new("L", size, 0), size[0] / 100
    draw = ImageDraw.Draw(mask)
    top, g = (PALM[3] - 2) * unit, grow * unit
    left, right, corner = (WRIST[0] - 7) * unit - g, (WRIST[1] + 7) * unit + g, 7 * unit + g
    spread = (size[1] - top) * 0.12
    bottom = top + 11 * unit if cuff else size[1]
    outline = [(left, top + corner), (right, top + corner), (right + spread, size[1])]
    draw.polygon([*outline, (left - spread, size[1])], 255)
    draw.rounded_rectangle((left, top - g, right, top + 3 * corner), corner, 255)
    draw.rectangle((0, bottom, size[0], size[1]), 0)
    return mask


def draw_the_hand(
    canvas: Image.Image,
    box: Box,
    skin: tuple[RGB, RGB, RGB] = (SKIN, SKIN_EDGE, SKIN_LINE),
    sleeve: tuple[RGB, RGB, RGB] = (SLEEVE, CUFF, SLEEVE_EDGE),
    rings: Sequence[RGB | None] = ACCENTS,
) -> None:
    """The hand in `box` (cut off at its bottom): outline, skin, two palm lines, a ring in
    each finger's colour (none where `rings` has None), and a sleeve with a light cuff from
    the wrist down. `skin` is (skin, outline, palm lines), `sleeve` (sleeve, cuff, outline)."""
    size = ((box[2] - box[0]) * SS, (box[3] - box[1]) * SS)
    s = size[0] / 100
    paint(canvas, box, skin[1], hand_mask(size, OUTLINE))
    paint(canvas, box, skin[0], hand_mask(size, 0))
    paint(canvas, box, sleeve[2], sleeve_mask(size, OUTLINE))
    paint(canvas, box, sleeve[0], sleeve_mask(size, 0))
    paint(canvas, box, sleeve[1], sleeve_mask(size, 0, cuff=True))
    lines = Image.new("L", size, 0)
    draw = ImageDraw.Draw(lines)
    draw.arc((30 * s, 70 * s, 80 * s, 108 * s), 200, 300, 255, round(1.6 * s))
    draw.arc((24 * s, 80 * s, 70 * s, 126 * s), 215, 290, 255, round(1.6 * s))
    paint(canvas, box, skin[2], lines)
    for digit, accent in zip(DIGITS, rings, strict=True):
        if accent is None:
            continue
        half = digit.width / 2 - 2.2
        (ax, ay), (bx, by) = digit.at(digit.ring, -half), digit.at(digit.ring, half)
        for fill, thick in ((skin[1], 7.6), (accent, 5.0)):
            ring = Image.new("L", size, 0)
            line(ImageDraw.Draw(ring), (ax * s, ay * s), (bx * s, by * s), thick * s)
            paint(canvas, box, fill, ring)


def connect(canvas: Image.Image, hand: Box, digit: Digit, bubble: Box, accent: RGB) -> None:
    """A line from the finger's tip (a dot) to its bubble, ending under the bubble."""
    ex, ey = digit.end()
    tip = (hand[0] + ex * UNIT, hand[1] + ey * UNIT)
    inset = RADIUS + 6  # to an edge, not a corner
    x = min(max(tip[0], bubble[0] + inset), bubble[2] - inset)
    y = min(max(tip[1], bubble[1] + inset), bubble[3] - inset)
    left, top = int(min(tip[0], x)) - 12, int(min(tip[1], y)) - 12
    box = (left, top, int(max(tip[0], x)) + 12, int(max(tip[1], y)) + 12)
    mask = Image.new("L", ((box[2] - box[0]) * SS, (box[3] - box[1]) * SS), 0)
    draw = ImageDraw.Draw(mask)
    a = ((tip[0] - box[0]) * SS, (tip[1] - box[1]) * SS)
    line(draw, a, ((x - box[0]) * SS, (y - box[1]) * SS), 6 * SS)
    line(draw, a, a, 18 * SS)
    paint(canvas, box, accent, mask)


# -- the bubbles ----------------------------------------------------------------------------


def mix(colour: RGB, other: RGB, share: float) -> RGB:
    """`colour` with `share` of `other` mixed in."""
    r, g, b = (round(c + (o - c) * share) for c, o in zip(colour, other, strict=True))
    return r, g, b


def draw_bubble(
    canvas: Image.Image,
    box: Box,
    finger: int,
    answer: FingerAnswer,
    cards: tuple[int, int, int],
    letters: Lettering,
    paste: PastePicture,
) -> None:
    """One finger's bubble: its words, its pictures on white cards, what she typed."""
    accent, (pic, label_px, label_h) = ACCENTS[finger], cards
    rounded(canvas, box, RADIUS, accent)
    rounded(canvas, box, RADIUS - EDGE, mix(accent, WHITE, 0.86), inset=EDGE)
    x0, y, x1 = box[0] + EDGE + PAD, box[1] + EDGE + PAD, box[2] - EDGE - PAD
    middle, draw = (x0 + x1) // 2, ImageDraw.Draw(canvas)
    font, lines = heading(finger, letters)
    for shown in lines:
        draw.text((middle, y), shown, mix(accent, INK, 0.45), font, "ma")
        y += sum(font.getmetrics())
    for pid, label in answer.pictures:
        y, bottom = y + 10, y + 10 + 6 + pic + label_h
        rounded(canvas, (x0, y, x1, bottom), 20, WHITE)
        paste(canvas, pid, middle - pic // 2, y + 6, pic)
        letters.text(canvas, label, (x0 + 6, y + 6 + pic, x1 - 6, bottom - 4), label_px, INK)
        y = bottom
    if answer.words:
        font = letters.font(WORDS_PX)
        shown_lines, _ = letters.wrap(answer.words, x1 - x0, WORDS_PX, WORDS_LINES)
        for i, shown in enumerate(shown_lines):
            draw.text((middle, y + 8 + i * sum(font.getmetrics())), shown, INK, font, "ma")
    elif not answer.pictures:  # no answer: a soft dash
        dash = (middle - 34, y + 8 + DASH_H // 2 - 5, middle + 34, y + 8 + DASH_H // 2 + 5)
        rounded(canvas, dash, 5, mix(accent, WHITE, 0.5))
