"""The result picture of the two self-rating methods: "Mijn ladder" (five steps) and "Vier op
een rij" (a traffic light of three).

A title over a legend and one white row per competence: its picture and label on the left,
the scale on the right. Five steps: a staircase rising left to right (low to high), a navy
pawn on the step where she is now, a gold star on the step she wants to reach (both side by
side when they share a step) and, when her coach rated it too, a purple diamond on the front
of the coach's step. Three steps: red, orange and green lights, only hers lit, the coach's
ringed in purple. An unanswered row shows a grey, empty scale.

The renderer puts RATING_LAYOUT in the cache key of this picture, so a change here needs a
higher RATING_LAYOUT, not a higher RENDER_VERSION.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from images.drawing import (
    ACCENT,
    INK,
    NUMBER,
    RGB,
    SS,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    Shape,
    draw_star,
    rounded,
    shadows,
    shape,
)
from images.layouts import COLLAGE_W, TITLE_INK, warm_background

RATING_LAYOUT = 1  # the renderer puts it in the cache key; raise it whenever the drawing changes
MAX_RATING_ROWS = 12
NOW_WORDS, WANT_WORDS, COACH_WORDS = "Nu", "Dat wil ik", "Coach"

RATING_W, MARGIN, ROW_H, ROW_GAP, PIC, LABEL_PX = COLLAGE_W, 20, 136, 10, 108, 36
LABEL_X = MARGIN + 14 + PIC + 18  # where the labels start
SCALE_LEFT, SCALE_RIGHT = 420, RATING_W - MARGIN - 18  # where the scales are
LABEL_W = SCALE_LEFT - 24 - LABEL_X
STEP_GAP, STEP_BASE, STEP_RISE = 3, 32, 7  # the lowest step is 32 px, each next 7 px higher
PAWN_W, PAWN_H, STAR, DIAMOND, LIGHT = 40, 56, 46, 30, 84

NOW_INK, WANT_INK, COACH_INK = NUMBER, (238, 170, 20), (128, 62, 182)  # navy, gold, purple
STEP_LOW, STEP_HIGH = (214, 228, 247), (132, 170, 222)  # the staircase: light to stronger blue
EMPTY_LOW, EMPTY_HIGH = (236, 238, 241), (214, 218, 224)  # the staircase of an unanswered row
LIGHTS = ((222, 52, 46), (244, 146, 28), (36, 158, 72))  # red (1), orange (2), green (3)
DIM, HOUSING = (214, 218, 225), (238, 241, 245)

Painter = Callable[[Image.Image, int, int], None]  # draws a legend mark at its top left


@dataclass(frozen=True)
class RatingRow:
    """One competence: its picture, its label and the steps chosen (1 is the lowest)."""

    picture: str
    label: str
    now: int | None  # 1..steps, None = not answered
    want: int | None = None  # 1..steps (5-step only)
    coach: int | None = None  # 1..steps, the coach's rating


def draw_rating_card(
    rows: Sequence[RatingRow], steps: int, title: str, letters: Lettering, paste: PastePicture
) -> Image.Image:
    """`title` (none when empty) over a legend and one row per competence, its scale having
    `steps` steps: 5 (a staircase with a pawn, a star and the coach's diamond) or 3 (a
    traffic light, the coach's light ringed)."""
    check(rows, steps)
    title_h = letters.lines_height(title, RATING_W - 160, 56) + 36 if title else 0
    coached = any(row.coach is not None for row in rows)
    legend = legend_marks(steps, coached)
    y = 24 + title_h + (18 if title else 0)
    legend_top, top = y, y + (80 if legend else 0)
    height = top + len(rows) * (ROW_H + ROW_GAP) - ROW_GAP + 26
    canvas = warm_background(RATING_W, height)
    if title:
        letters.text(canvas, title, (80, 24, RATING_W - 80, 24 + title_h - 16), 56, TITLE_INK)
        middle = RATING_W // 2
        rounded(canvas, (middle - 70, 24 + title_h - 6, middle + 70, 24 + title_h + 4), 5, ACCENT)
    if legend:
        draw_legend(canvas, legend, legend_top, letters)
    ys = [top + i * (ROW_H + ROW_GAP) for i in range(len(rows))]
    boxes = [(MARGIN, y, RATING_W - MARGIN, y + ROW_H) for y in ys]
    shadows(canvas, boxes, 22, blur=6, strength=45)
    label_px, _ = letters.label_size([row.label for row in rows], LABEL_W, LABEL_PX)
    for row, box in zip(rows, boxes, strict=True):
        rounded(canvas, box, 22, WHITE)
        paste(canvas, row.picture, box[0] + 14, box[1] + (ROW_H - PIC) // 2, PIC)
        draw_label(canvas, row.label, box, label_px, letters)
        if steps == 5:
            draw_ladder(canvas, row, box)
        else:
            draw_lights(canvas, row, box)
    return canvas


def check(rows: Sequence[RatingRow], steps: int) -> None:
    """Raise ValueError unless `rows` and `steps` make a picture."""
    if steps not in (3, 5):
        raise ValueError(f"a rating card has 3 or 5 steps, got {steps}")
    if not 1 <= len(rows) <= MAX_RATING_ROWS:
        raise ValueError(f"a rating card needs 1 to {MAX_RATING_ROWS} rows, got {len(rows)}")
    pictures = [row.picture for row in rows]
    if len(set(pictures)) != len(pictures):
        raise ValueError(f"a rating card shows each picture once, got {pictures}")
    for row in rows:
        values = {"now": row.now, "coach": row.coach} | ({"want": row.want} if steps == 5 else {})
        for name, value in values.items():
            if value is not None and (type(value) is not int or not 1 <= value <= steps):
                raise ValueError(f"{name} of {row.picture!r} must be 1 to {steps}, got {value!r}")


def draw_label(canvas: Image.Image, label: str, box: Box, largest: int, letters: Lettering) -> None:
    """The label, left aligned beside the picture and centred in height (two lines at most)."""
    size, lines = letters.fit(label, LABEL_W, largest)
    font = letters.font(size)
    line_h = sum(font.getmetrics())
    top = (box[1] + box[3] - len(lines) * line_h) // 2
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        draw.text((LABEL_X, top + i * line_h), line, INK, font, "la")


# -- the two scales -------------------------------------------------------------------------


def draw_ladder(canvas: Image.Image, row: RatingRow, box: Box) -> None:
    """Five steps rising to the right; the pawn and the star on theirs, the diamond on the
    front of the coach's."""
    slot = (SCALE_RIGHT - SCALE_LEFT - 4 * STEP_GAP) // 5
    bottom = box[3] - 12
    answered = row.now is not None
    for i in range(5):
        x, h = SCALE_LEFT + i * (slot + STEP_GAP), STEP_BASE + i * STEP_RISE
        low, high = (STEP_LOW, STEP_HIGH) if answered else (EMPTY_LOW, EMPTY_HIGH)
        rounded(canvas, (x, bottom - h, x + slot, bottom), 8, mix(low, high, i / 4))
    for step in range(1, 6):
        x, h = SCALE_LEFT + (step - 1) * (slot + STEP_GAP), STEP_BASE + (step - 1) * STEP_RISE
        marks: list[tuple[Box, RGB, Shape]] = []
        if row.now == step:
            marks.append(((0, -PAWN_H, PAWN_W, 0), NOW_INK, draw_pawn))
        if row.want == step:
            marks.append(((0, -STAR, STAR, 0), WANT_INK, draw_star))
        width = sum(m[0][2] for m in marks) + 4 * (len(marks) - 1)
        left = x + (slot - width) // 2
        for (_, y0, w, _), fill, draw in marks:
            marker(canvas, (left, bottom - h - 2 + y0, left + w, bottom - h - 2), fill, draw)
            left += w + 4
        if row.coach == step:
            cx, cy = x + slot // 2, bottom - h // 2
            diamond = (cx - DIAMOND // 2, cy - DIAMOND // 2, cx + DIAMOND // 2, cy + DIAMOND // 2)
            marker(canvas, diamond, COACH_INK, draw_diamond, halo=2)


def draw_lights(canvas: Image.Image, row: RatingRow, box: Box) -> None:
    """Red, orange and green lights in a soft housing; hers lit, the coach's ringed."""
    gap, pad = 34, 20
    width = 3 * LIGHT + 2 * gap + 2 * pad
    left = (SCALE_LEFT + SCALE_RIGHT - width) // 2
    top = box[1] + (ROW_H - LIGHT - 2 * pad) // 2
    rounded(
        canvas, (left, top, left + width, top + LIGHT + 2 * pad), (LIGHT + 2 * pad) // 2, HOUSING
    )
    for step, colour in enumerate(LIGHTS, start=1):
        x, y = left + pad + (step - 1) * (LIGHT + gap), top + pad
        if row.coach == step:
            ring(canvas, (x - 11, y - 11, x + LIGHT + 11, y + LIGHT + 11))
        disc = (x, y, x + LIGHT, y + LIGHT)
        shape(canvas, disc, colour if row.now == step else DIM, draw_disc)
        if row.now == step:  # a soft shine, so a lit light looks lit
            shine = (x + LIGHT // 5, y + LIGHT // 7, x + LIGHT // 2, y + LIGHT * 2 // 5)
            shape(canvas, shine, mix(colour, WHITE, 0.45), draw_disc)


# -- the legend -------------------------------------------------------------------------------


def legend_marks(steps: int, coached: bool) -> list[tuple[Painter, int, str]]:
    """What the legend shows: each mark (a painter and its width) with its words."""

    def drawn(fill: RGB, draw: Shape, w: int, h: int, halo: int = 3) -> Painter:
        return lambda canvas, x, y: marker(
            canvas, (x, y + (STAR - h) // 2, x + w, y + (STAR + h) // 2), fill, draw, halo
        )

    def ringed_light(canvas: Image.Image, x: int, y: int) -> None:
        ring(canvas, (x, y, x + STAR, y + STAR), width=5)
        shape(canvas, (x + 9, y + 9, x + STAR - 9, y + STAR - 9), DIM, draw_disc)

    coach: list[tuple[Painter, int, str]] = []
    if coached and steps == 5:
        coach = [(drawn(COACH_INK, draw_diamond, 34, 34, halo=2), 34, COACH_WORDS)]
    elif coached:
        coach = [(ringed_light, STAR, COACH_WORDS)]
    if steps == 3:
        return coach
    now = (drawn(NOW_INK, draw_pawn, PAWN_W, PAWN_H - 8), PAWN_W, NOW_WORDS)
    return [now, (drawn(WANT_INK, draw_star, STAR, STAR), STAR, WANT_WORDS), *coach]


def draw_legend(
    canvas: Image.Image, marks: list[tuple[Painter, int, str]], top: int, letters: Lettering
) -> None:
    """The marks with their words in one row, centred on a white pill."""
    font, gap = letters.font(32), 44
    widths = [w + 12 + int(font.getlength(words)) for _, w, words in marks]
    total = sum(widths) + gap * (len(marks) - 1)
    left = (RATING_W - total) // 2
    rounded(canvas, (left - 28, top, left + total + 28, top + 68), 34, WHITE)
    draw = ImageDraw.Draw(canvas)
    for (paint, w, words), width in zip(marks, widths, strict=True):
        paint(canvas, left, top + 10)
        draw.text((left + w + 12, top + 34), words, INK, font, "lm")
        left += width + gap


# -- drawing helpers --------------------------------------------------------------------------


def marker(canvas: Image.Image, box: Box, fill: RGB, draw: Shape, halo: int = 3) -> None:
    """A smooth shape in `fill` with a white halo of `halo` px round it, so it stands out on
    any step."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    inner = Image.new("L", (w * SS, h * SS), 0)
    draw(ImageDraw.Draw(inner), w * SS, h * SS)
    mask = Image.new("L", (w + 2 * halo, h + 2 * halo), 0)
    mask.paste(inner.resize((w, h), Image.Resampling.BOX), (halo, halo))
    outer = (x0 - halo, y0 - halo, x1 + halo, y1 + halo)
    canvas.paste(WHITE, outer, mask.filter(ImageFilter.MaxFilter(2 * halo + 1)))
    canvas.paste(fill, outer, mask)


def ring(canvas: Image.Image, box: Box, width: int = 6) -> None:
    """The coach's purple ring."""
    shape(
        canvas,
        box,
        COACH_INK,
        lambda d, w, h: d.ellipse((0, 0, w - 1, h - 1), None, 255, width * SS),
    )


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour `t` of the way from `a` to `b`."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def draw_disc(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A round light (or its shine)."""
    draw.ellipse((0, 0, w - 1, h - 1), 255)


def draw_diamond(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """The coach's mark: a diamond."""
    draw.polygon([(w / 2, 0), (w - 1, h / 2), (w / 2, h - 1), (0, h / 2)], 255)


def draw_pawn(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A game pawn: a round head, a collar, a bell-shaped body on a flat base."""
    head = min(w * 0.5, h * 0.36)
    draw.ellipse((w / 2 - head / 2, 0, w / 2 + head / 2, head), 255)
    draw.rounded_rectangle((w * 0.2, head * 0.92, w * 0.8, head * 1.22), h * 0.05, 255)
    body_top, body_bottom = head * 1.1, h * 0.9
    sides = [(t, w * (0.12 + 0.34 * t**1.8)) for t in (i / 16 for i in range(17))]
    left = [(w / 2 - half, body_top + (body_bottom - body_top) * t) for t, half in sides]
    right = [(w / 2 + half, body_top + (body_bottom - body_top) * t) for t, half in sides]
    draw.polygon([*left, *reversed(right)], 255)
    draw.rounded_rectangle((0, h * 0.82, w - 1, h - 1), h * 0.06, 255)
