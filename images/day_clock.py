"""The Klokwijs result picture, "my day": a title over a big 24-hour clock and one card per
moment of the day (getting up, starting the day, the break, coming home, going to bed).

The dial has midnight at the bottom and noon at the top, so the day is the upper half and the
hours run clockwise (6 on the left, 18 on the right). The day starts at the first moment at or
after DAY_STARTS (4 h): that one is getting up, and moments at 0–3 h count as late in the
evening (a bedtime at 1 h comes after the rest). The night is the arc from the last moment
(bedtime) clockwise to the first (getting up): dark blue with a drawn moon; the rest of the face
is light, with a drawn sun. One moment only has no night.

Each moment has a colour: a hand in it from the centre to a dot on the rim with its hour, and
below the clock a card on a tint of it, in the order of the day from top to bottom: a pill with
"7 uur", its words, and its pictures with labels. A list reads best on a phone; the colour and
the hour on the dot tie each card to its hand (midnight is written 24, as on the dial). All
pictures have one size; they shrink (and then the clock) so the whole stays at most DAY_MOST_H
tall (up to ~20 px more for six moments of four two-line labels under a two-line title).

The renderer puts DAY_LAYOUT in the cache key: raise it whenever this drawing changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from images.drawing import (
    ACCENT,
    INK,
    NUMBER,
    RGB,
    SS,
    STAR,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    card,
    rounded,
    shadows,
)
from images.layouts import COLLAGE_W, TITLE_INK, warm_background

DAY_LAYOUT = 1  # the renderer puts it in the cache key; raise it whenever the drawing changes
MAX_MOMENTS, MAX_MOMENT_PICTURES = 6, 4
DAY_STARTS = 4  # getting up is the earliest moment at or after this hour
DAY_W, DAY_MOST_H = COLLAGE_W, 1800
DAY_TINT, NIGHT, SUN, MOON = (255, 247, 218), (34, 47, 110), (247, 170, 40), (255, 226, 130)
NIGHT_INK, RIM = (236, 240, 255), (226, 196, 164)
# One (strong, tint) pair per moment, in the order of the day.
MOMENT_COLOURS: tuple[tuple[RGB, RGB], ...] = (
    ((214, 98, 14), (255, 231, 208)), ((28, 134, 66), (216, 241, 222)),  # orange, green
    ((36, 104, 196), (221, 233, 252)), ((134, 72, 182), (238, 226, 250)),  # blue, purple
    ((200, 50, 100), (252, 224, 234)), ((0, 124, 138), (210, 238, 240)),  # pink, teal
)  # fmt: skip
MARGIN, CARD_PAD, CARD_GAP, WORDS_W, PILL_H, DOT_R, LABEL_PX = 24, 12, 14, 220, 66, 28, 32
PICS_X, TILE_GAP, TILE_MOST = MARGIN + CARD_PAD + WORDS_W + 20, 10, 220  # the picture tiles
PICS_W = DAY_W - MARGIN - CARD_PAD - PICS_X
# (clock radius, picture size), best first: a big clock and big pictures, then smaller.
CLOCK_SIZES = [(250, p) for p in range(150, 115, -4)]
CLOCK_SIZES += [(r, p) for r in (225, 200) for p in range(150, 91, -4)]
CLOCK_SIZES += [(180, p) for p in range(96, 79, -4)]  # six moments of four pictures


@dataclass(frozen=True)
class Moment:
    """One moment of the day: its hour, a few words and up to four (picture id, label)."""

    hour: int  # 0–23
    words: str  # e.g. "Opstaan"
    pictures: tuple[tuple[str, str], ...] = ()  # (picture id, label), 0–4


def day_order(moments: Sequence[Moment]) -> list[Moment]:
    """The moments checked, from getting up (the first at or after DAY_STARTS) to bedtime."""
    if not 1 <= len(moments) <= MAX_MOMENTS:
        raise ValueError(f"a day clock needs 1 to {MAX_MOMENTS} moments, got {len(moments)}")
    for moment in moments:
        if not 0 <= moment.hour <= 23:
            raise ValueError(f"an hour is 0 to 23, got {moment.hour}")
        if len(moment.pictures) > MAX_MOMENT_PICTURES:
            raise ValueError(f"a moment has at most {MAX_MOMENT_PICTURES} pictures: {moment}")
    if len({m.hour for m in moments}) != len(moments):
        raise ValueError(f"two moments at the same hour: {sorted(m.hour for m in moments)}")
    return sorted(moments, key=lambda m: (m.hour - DAY_STARTS) % 24)


def night_of(ordered: Sequence[Moment]) -> tuple[int, int]:
    """(bedtime, hours of night): from the last moment clockwise to the first; none for one."""
    if len(ordered) < 2:
        return ordered[0].hour, 0
    return ordered[-1].hour, (ordered[0].hour - ordered[-1].hour) % 24


def at(cx: float, cy: float, r: float, hour: float) -> tuple[float, float]:
    """Where `hour` is, `r` from the centre of the dial (0 at the bottom, 12 at the top)."""
    a = 2 * math.pi * hour / 24
    return cx - r * math.sin(a), cy + r * math.cos(a)


def hour_text(hour: int) -> str:
    """The hour as written: the dial says 24 at the bottom, so midnight is "24 uur"."""
    return str(hour or 24)


@dataclass(frozen=True)
class Plan:
    """Where everything goes: the clock (centre, radius), the cards and their measures."""

    title_h: int
    centre: tuple[int, int]
    radius: int
    boxes: list[Box]
    pic: int
    tile_w: int
    label_px: int
    label_h: int
    height: int


def plan_day(ordered: Sequence[Moment], title: str, letters: Lettering) -> Plan:
    """The biggest pictures (then clock) at which the whole is at most DAY_MOST_H tall."""
    title_h = letters.lines_height(title, DAY_W - 200, 64) + 56 if title else 0
    top = 36 + title_h if title else MARGIN
    most = max(1, *(len(m.pictures) for m in ordered))  # tiles as wide as the fullest row lets
    tile_w = min(TILE_MOST, (PICS_W - (most - 1) * TILE_GAP) // most)
    labels = [label for m in ordered for _, label in m.pictures]
    label_px, label_h = letters.label_size(labels, tile_w - 8, LABEL_PX) if labels else (0, 6)
    label_h -= 6  # label_size leaves more room under a label than a tile needs
    plans = []
    for radius, pic in ((r, p) for r, p in CLOCK_SIZES if p <= tile_w - 16):
        y = top + 2 * (radius + DOT_R + 12) + 16
        boxes = []
        for moment in ordered:
            inner = tile_h(pic, label_h) if moment.pictures else 0
            h = max(inner, words_h(moment, letters)) + 2 * CARD_PAD
            boxes.append((MARGIN, y, DAY_W - MARGIN, y + h))
            y += h + CARD_GAP
        centre = (DAY_W // 2, top + radius + DOT_R + 12)
        plans.append(Plan(title_h, centre, radius, boxes, pic, tile_w, label_px, label_h, y + 12))
        if plans[-1].height <= DAY_MOST_H:
            return plans[-1]
    return min(plans, key=lambda p: p.height)


def tile_h(pic: int, label_h: int) -> int:
    """How tall a picture tile is: the picture over its label."""
    return 8 + pic + 2 + label_h + 4


def words_lines(moment: Moment, letters: Lettering) -> list[str]:
    """A moment's words in lines (2 at most): under the pill, or beside it without pictures."""
    width = WORDS_W if moment.pictures else DAY_W - 2 * MARGIN - 2 * CARD_PAD - WORDS_W - 24
    return letters.wrap(moment.words, width, 32)[0] if moment.words.strip() else []


def words_h(moment: Moment, letters: Lettering) -> int:
    """How tall the pill and the words are together."""
    lines = words_lines(moment, letters)
    if not moment.pictures:  # the words beside the pill
        return max(PILL_H, len(lines) * sum(letters.font(32).getmetrics()))
    return PILL_H + (10 + len(lines) * sum(letters.font(32).getmetrics()) if lines else 0)


def draw_day_clock(
    moments: Sequence[Moment], title: str, letters: Lettering, paste: PastePicture
) -> Image.Image:
    """`title` (none when empty) over the clock of 1–6 `moments` (any order) and their cards."""
    ordered = day_order(moments)
    plan = plan_day(ordered, title, letters)
    canvas = warm_background(DAY_W, plan.height)
    if title:
        letters.text(canvas, title, (100, 32, DAY_W - 100, plan.title_h - 12), 64, TITLE_INK)
        middle = DAY_W // 2
        rounded(canvas, (middle - 70, plan.title_h - 2, middle + 70, plan.title_h + 8), 5, ACCENT)
    draw_dial(canvas, ordered, plan, letters)
    shadows(canvas, plan.boxes, 24, blur=8, strength=50)
    for i, (moment, box) in enumerate(zip(ordered, plan.boxes, strict=True)):
        draw_card(canvas, moment, MOMENT_COLOURS[i], box, plan, letters, paste)
    return canvas


def draw_dial(canvas: Image.Image, ordered: Sequence[Moment], plan: Plan, lt: Lettering) -> None:
    """The clock face at 4× size (for smooth edges), scaled down onto the canvas."""
    (cx0, cy0), radius = plan.centre, plan.radius
    half = radius + DOT_R + 8
    side = 2 * half * SS
    face = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    d = ImageDraw.Draw(face)
    c, r = side / 2, radius * SS

    def disc(x: float, y: float, rr: float, fill: RGB) -> None:
        d.ellipse((x - rr, y - rr, x + rr, y + rr), fill)

    disc(c, c, r + 16 * SS, RIM)
    disc(c, c, r + 13 * SS, WHITE)
    disc(c, c, r, DAY_TINT)
    bed, span = night_of(ordered)
    if span:
        d.pieslice((c - r, c - r, c + r, c + r), 90 + 15 * bed, 90 + 15 * (bed + span), NIGHT)
        draw_moon(d, c, r, bed + span / 2, span)
    hours = [m.hour for m in ordered]
    gaps = [((hours[(i + 1) % len(hours)] - h - 1) % 24 + 1, h) for i, h in enumerate(hours)]
    gaps = [g for g in gaps if g[1] != bed or not span] or gaps
    gap, start = max(gaps, key=lambda g: (g[0], -abs((g[1] + g[0] / 2) % 24 - 12)))
    sun = min(0.12 * r, 0.4 * r * math.sin(math.radians(7.5 * gap)) / 1.8)  # between the hands
    if sun > 0.05 * r:
        draw_sun(d, *at(c, c, 0.4 * r, start + gap / 2), sun)

    def in_night(hour: int) -> bool:
        return 0 < (hour - bed) % 24 < span

    for hour in range(24):
        major = hour % 3 == 0
        ink = NIGHT_INK if in_night(hour) else NUMBER
        width, length = (5, 26) if major else (3, 14)
        d.line([at(c, c, r - length * SS, hour), at(c, c, r - 2 * SS, hour)], ink, width * SS)
    for i, hour in enumerate(hours):  # the hands, under the numbers
        end = at(c, c, r, hour)
        d.line([(c, c), end], MOMENT_COLOURS[i][0], 9 * SS)
    for hour in sorted(set(range(0, 24, 3)) - set(hours)):  # a dot says its own hour
        ink, behind = (NIGHT_INK, NIGHT) if in_night(hour) else (NUMBER, DAY_TINT)
        big = hour % 6 == 0
        x, y = at(c, c, r - (74 if big else 60) * SS, hour)
        font = lt.font((46 if big else 34) * SS)
        d.text((x, y), hour_text(hour), ink, font, "mm", stroke_width=5 * SS, stroke_fill=behind)
    disc(c, c, 22 * SS, WHITE)
    disc(c, c, 17 * SS, NUMBER)
    for i, hour in enumerate(hours):
        x, y = at(c, c, r, hour)
        disc(x, y, (DOT_R + 4) * SS, WHITE)
        disc(x, y, DOT_R * SS, MOMENT_COLOURS[i][0])
        d.text((x, y), hour_text(hour), WHITE, lt.font(28 * SS), "mm")
    small = face.resize((2 * half, 2 * half), Image.Resampling.BOX)
    ring = radius + 16
    shadows(canvas, [(cx0 - ring, cy0 - ring, cx0 + ring, cy0 + ring)], ring, blur=10)
    canvas.paste(small, (cx0 - half, cy0 - half), small)


def draw_sun(d: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    """A sun: a round disc with eight rays."""
    for a in (k * math.pi / 4 for k in range(8)):
        ray = [(x + f * r * math.cos(a), y + f * r * math.sin(a)) for f in (1.3, 1.65)]
        d.line(ray, SUN, int(0.24 * r))
    d.ellipse((x - r, y - r, x + r, y + r), SUN)


def draw_moon(d: ImageDraw.ImageDraw, c: float, r: float, hour: float, span: int) -> None:
    """A crescent moon and two stars in the night arc, as big as the arc has room for."""
    dist = 0.46 * r
    size = min(0.14 * r, 0.8 * dist * math.sin(math.radians(7.5 * span)))
    x, y = at(c, c, dist, hour)
    d.ellipse((x - size, y - size, x + size, y + size), MOON)
    off = 0.55 * size
    d.ellipse((x - size + off, y - size - off / 2, x + size + off, y + size - off / 2), NIGHT)
    if span >= 6:  # room for two stars beside it, inside the ring of numbers
        for shift, k in ((-0.3, 0.08), (0.3, 0.06)):
            sx, sy = at(c, c, dist, hour + shift * span)
            s = k * r * 2
            points = [(sx + (px - 0.5) * s, sy + (py - 0.5) * s) for px, py in STAR]
            d.polygon(points, MOON)


def draw_card(
    canvas: Image.Image,
    moment: Moment,
    colours: tuple[RGB, RGB],
    box: Box,
    plan: Plan,
    letters: Lettering,
    paste: PastePicture,
) -> None:
    """One moment: a pill with its hour, its words, and its pictures on white tiles."""
    strong, tint = colours
    x0, y0, _, y1 = box
    card(canvas, box, 24, strong, tint, 3)
    draw = ImageDraw.Draw(canvas)
    lines, font = words_lines(moment, letters), letters.font(32)
    line_h = sum(font.getmetrics())
    left = x0 + CARD_PAD
    top = (y0 + y1 - words_h(moment, letters)) // 2
    pill = (left, top, left + WORDS_W, top + PILL_H)
    if not moment.pictures:  # one row: the pill, and the words beside it
        pill = (left, (y0 + y1 - PILL_H) // 2, left + WORDS_W, (y0 + y1 + PILL_H) // 2)
    rounded(canvas, pill, PILL_H // 2, strong)
    letters.text(canvas, f"{hour_text(moment.hour)} uur", pill, 46, WHITE)
    for i, line in enumerate(lines):  # under the pill, or beside it without pictures
        if moment.pictures:
            draw.text((left + WORDS_W // 2, pill[3] + 10 + i * line_h), line, INK, font, "ma")
        else:
            y = (y0 + y1 - len(lines) * line_h) // 2 + i * line_h
            draw.text((pill[2] + 24, y), line, INK, font, "la")
    tile_top, w = (y0 + y1 - tile_h(plan.pic, plan.label_h)) // 2, plan.tile_w
    for i, (pid, label) in enumerate(moment.pictures):
        tx = PICS_X + i * (w + TILE_GAP)
        tile = (tx, tile_top, tx + w, tile_top + tile_h(plan.pic, plan.label_h))
        rounded(canvas, tile, 18, WHITE)
        paste(canvas, pid, tx + (w - plan.pic) // 2, tile_top + 8, plan.pic)
        label_top = tile_top + 8 + plan.pic + 2
        letters.text(
            canvas, label, (tx + 4, label_top, tile[2] - 4, tile[3] - 4), plan.label_px, INK
        )
