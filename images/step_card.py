"""The mini-POP's picture "Mijn kleine stap": one small question about work and one small,
feasible step for this week, when she will take it and who can help.

Under the title, a white card with her theme picture (and its label) beside her question; a
little orange arrow down to the step itself, big, on a sunny card with a drawn pair of
footprints (like 👣); at the bottom two small boxes: a drawn calendar over the day ("Morgen")
and the helper's picture over its label, or a drawn person over "Ikzelf" when nobody helps.

Typed words lose what the font cannot draw (emoji); the step wraps to at most four lines
(then "…"), so a long step never makes the picture taller.

The renderer puts STEP_LAYOUT in the cache key: raise it whenever this drawing changes.
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageDraw, ImageFont

from images.drawing import (
    ACCENT,
    INK,
    RGB,
    SS,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    card,
    ringed,
    rounded,
    shadows,
    shape,
)
from images.hand_card import drawable
from images.layouts import COLLAGE_W, TITLE_INK, warm_background

STEP_LAYOUT = 1  # in the cache key; raise whenever the drawing changes
Pic = tuple[str, str]  # (picture id, label)
STEP_TITLE, ALONE_WORDS = "Mijn kleine stap", "Ikzelf"

STEP_W, MARGIN, GAP = COLLAGE_W, 28, 24
THEME_PIC, THEME_PAD, QUESTION_SIZES, QUESTION_LINES = 168, 22, (50, 46, 42, 38), 3
ARROW_H = 72  # the room between the question and the step, with the arrow in it
STEP_SIZES, STEP_LINES, STEP_PAD, STEP_EDGE = (56, 52, 48, 44), 4, 34, 6
BADGE = 132  # the footprints' disc
BOX_PIC, BOX_PAD, BOX_PX = 150, 22, 46

STEP_FILL, STEP_EDGE_INK, BADGE_INK = (255, 229, 128), (238, 160, 40), (226, 124, 20)
WHEN_TINT, HELP_TINT = (214, 231, 252), (226, 242, 216)  # the label strips of the two boxes
PAGE_RED, PAGE_EDGE, PAGE_DOTS = (226, 72, 60), (150, 164, 184), (120, 138, 164)
PERSON, PERSON_DISC = (70, 140, 86), (198, 230, 192)
# A left foot in ovals (centre x, y, radius x, y) in a unit box: ball, heel, five toes.
FOOT = [(0.46, 0.52, 0.34, 0.26), (0.4, 0.8, 0.24, 0.19), (0.78, 0.13, 0.14, 0.105)]
FOOT += [(0.53, 0.08, 0.1, 0.075), (0.33, 0.11, 0.09, 0.068), (0.16, 0.19, 0.075, 0.06)]
FOOT += [(0.04, 0.3, 0.065, 0.05)]
Point = tuple[float, float]


def typed(text: str, letters: Lettering, what: str) -> str:
    """`text` without what the font cannot draw (emoji); a ValueError when nothing is left."""
    shown = drawable(text, letters.font(40))
    if not shown:
        raise ValueError(f"{what} is empty (or has nothing but emoji)")
    return shown


def fit_lines(
    letters: Lettering, text: str, width: int, sizes: tuple[int, ...], most: int
) -> tuple[int, list[str]]:
    """The biggest of `sizes` at which `text` wraps to at most `most` lines of `width`; at the
    smallest, the first `most` lines ending in "…"."""
    lines: list[str] = []
    for size in sizes:
        lines, cut = letters.wrap(text, width, size, most)
        if not cut:
            return size, balanced(letters, text, width, size, lines)
    return sizes[-1], lines


def balanced(letters: Lettering, text: str, width: int, size: int, lines: list[str]) -> list[str]:
    """`lines` made as even as can be: the same number of lines in the narrowest width that
    keeps every word whole (no lonely last word)."""
    words = text.split()
    low, high = width // 3, width
    while low < high:
        middle = (low + high) // 2
        tried, cut = letters.wrap(text, middle, size, len(lines))
        if cut or " ".join(tried).split() != words:
            low = middle + 1
        else:
            high = middle
    return letters.wrap(text, high, size, len(lines))[0]


def draw_lines(
    canvas: Image.Image,
    lines: list[str],
    font: ImageFont.FreeTypeFont,
    box: Box,
    fill: RGB,
    centred: bool = True,
) -> None:
    """`lines` in the middle of `box`, each centred (or left-aligned)."""
    line_h = sum(font.getmetrics())
    top = (box[1] + box[3] - len(lines) * line_h) // 2
    x, anchor = ((box[0] + box[2]) // 2, "ma") if centred else (box[0], "la")
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        draw.text((x, top + i * line_h), line, fill, font, anchor)


def draw_step_card(
    theme: Pic,
    question: str,
    step: str,
    when: str,
    helper: Pic | None,
    letters: Lettering,
    paste: PastePicture,
) -> Image.Image:
    """Her theme and question on top, her step big in the middle, when and who at the bottom."""
    question = typed(question, letters, "the question")
    step = typed(step, letters, "the step")
    when = typed(when, letters, "the day")
    theme_words = drawable(theme[1], letters.font(40))
    who = (drawable(helper[1], letters.font(40)) or helper[1]) if helper else ALONE_WORDS
    # Measures: the theme card, the step card (four lines at most) and the two boxes.
    text_x = MARGIN + THEME_PAD + THEME_PIC + 28
    q_w = STEP_W - MARGIN - THEME_PAD - text_x
    q_size, q_lines = fit_lines(letters, question, q_w, QUESTION_SIZES, QUESTION_LINES)
    label_px = 34 if letters.fit(theme_words or "-", THEME_PIC + 16, 34)[0] >= 30 else 28
    theme_h = 2 * THEME_PAD + THEME_PIC + 6 + sum(letters.font(label_px).getmetrics())
    step_x = MARGIN + STEP_EDGE + STEP_PAD + BADGE + 30
    step_w = STEP_W - MARGIN - STEP_EDGE - STEP_PAD - step_x
    s_size, s_lines = fit_lines(letters, step, step_w, STEP_SIZES, STEP_LINES)
    step_h = max(BADGE, len(s_lines) * sum(letters.font(s_size).getmetrics()))
    step_h += 2 * (STEP_EDGE + STEP_PAD)
    box_w = (STEP_W - 2 * MARGIN - GAP) // 2
    box_px, label_h = letters.label_size([when, who], box_w - 2 * BOX_PAD, BOX_PX)
    box_h = BOX_PAD + BOX_PIC + 10 + label_h + BOX_PAD
    title_h = letters.lines_height(STEP_TITLE, STEP_W - 200, 64) + 56
    theme_top = 36 + title_h
    step_top = theme_top + theme_h + ARROW_H
    boxes_top = step_top + step_h + GAP + 6
    canvas = warm_background(STEP_W, boxes_top + box_h + MARGIN + 4)
    # The title with its orange bar.
    letters.text(canvas, STEP_TITLE, (100, 32, STEP_W - 100, title_h - 12), 64, TITLE_INK)
    middle = STEP_W // 2
    rounded(canvas, (middle - 70, title_h - 2, middle + 70, title_h + 8), 5, ACCENT)
    theme_box = (MARGIN, theme_top, STEP_W - MARGIN, theme_top + theme_h)
    step_box = (MARGIN, step_top, STEP_W - MARGIN, step_top + step_h)
    boxes = [(x, boxes_top, x + box_w, boxes_top + box_h) for x in (MARGIN, MARGIN + box_w + GAP)]
    shadows(canvas, [theme_box, step_box, *boxes], 28, blur=8, strength=50)
    # The theme: picture and label on the left, the question beside them.
    card(canvas, theme_box, 28, (236, 210, 180), WHITE, 2)
    x, y = MARGIN + THEME_PAD, theme_top + THEME_PAD
    paste(canvas, theme[0], x, y, THEME_PIC)
    if theme_words:
        label = (x - 8, y + THEME_PIC + 6, x + THEME_PIC + 8, theme_box[3] - THEME_PAD + 4)
        letters.text(canvas, theme_words, label, label_px, TITLE_INK)
    q_box = (text_x, theme_top, text_x + q_w, theme_box[3])
    draw_lines(canvas, q_lines, letters.font(q_size), q_box, INK, centred=False)
    arrow = (middle - 32, theme_box[3] + 10, middle + 32, step_top - 8)
    shape(canvas, arrow, ACCENT, draw_arrow)  # from the question down to the step
    # The step: footprints on an orange disc, her words big beside them.
    card(canvas, step_box, 34, STEP_EDGE_INK, STEP_FILL, STEP_EDGE)
    badge_x, badge_y = MARGIN + STEP_EDGE + STEP_PAD, step_top + (step_h - BADGE) // 2
    badge = (badge_x, badge_y, badge_x + BADGE, badge_y + BADGE)
    ringed(canvas, badge, BADGE // 2, BADGE_INK, BADGE // 2 + 3)
    shape(
        canvas, (badge_x + 22, badge_y + 18, badge[2] - 22, badge[3] - 18), WHITE, draw_footprints
    )
    words_box = (step_x, step_top, step_x + step_w, step_box[3])
    draw_lines(canvas, s_lines, letters.font(s_size), words_box, INK)
    # When (a calendar) and who (the helper's picture, or a drawn person).
    for box, tint, word in zip(boxes, (WHEN_TINT, HELP_TINT), (when, who), strict=True):
        strip_top = box[1] + BOX_PAD + BOX_PIC + 10
        rounded(canvas, box, 26, tint)  # the label sits on a coloured strip
        rounded(canvas, (box[0], box[1], box[2], strip_top + 26), 26, WHITE)
        canvas.paste(tint, (box[0], strip_top, box[2], strip_top + 26))
        label = (box[0] + BOX_PAD, strip_top, box[2] - BOX_PAD, box[3] - BOX_PAD + 6)
        letters.text(canvas, word, label, box_px, INK)
    (cx, cy), (hx, hy) = ((b[0] + (box_w - BOX_PIC) // 2, b[1] + BOX_PAD) for b in boxes)
    paint_calendar(canvas, (cx + 8, cy + 4, cx + BOX_PIC - 8, cy + BOX_PIC - 4))
    if helper:
        paste(canvas, helper[0], hx, hy, BOX_PIC)
    else:
        paint_person(canvas, (hx + 6, hy + 6, hx + BOX_PIC - 6, hy + BOX_PIC - 6))
    return canvas


# -- the drawn things --------------------------------------------------------------------


def paint_calendar(canvas: Image.Image, box: Box) -> None:
    """A calendar page: white with a red band on top, two rings and rows of days."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    page = (x0, y0 + h // 10, x1, y1)
    card(canvas, page, w // 7, PAGE_EDGE, WHITE, 4)
    band_bottom = y0 + h * 36 // 100
    rounded(canvas, (x0, page[1], x1, band_bottom + w // 7), w // 7, PAGE_RED)
    canvas.paste(WHITE, (x0 + 4, band_bottom, x1 - 4, band_bottom + w // 7))
    for px in (0.3, 0.7):  # the rings
        ring = (x0 + int(w * px) - 7, y0, x0 + int(w * px) + 7, y0 + h // 4)
        rounded(canvas, ring, 7, (70, 70, 80))

    shape(canvas, (x0 + 10, band_bottom + 12, x1 - 10, y1 - 14), PAGE_DOTS, draw_days)


def draw_days(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """Two rows of four days on a calendar page."""
    for row, col in ((row, col) for row in range(2) for col in range(4)):
        cx, cy = w * (0.14 + 0.24 * col), h * (0.25 + 0.5 * row)
        draw.rounded_rectangle(
            (cx - w * 0.08, cy - h * 0.16, cx + w * 0.08, cy + h * 0.16), w // 40, 255
        )


def draw_footprints(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """Two bare footprints side by side, the right one a little ahead (like 👣)."""
    for left, top, mirrored in ((0.0, 0.2, False), (0.54, 0.0, True)):  # left foot, right foot

        def at(
            x: float, y: float, left: float = left, top: float = top, m: bool = mirrored
        ) -> Point:
            return w * (left + 0.46 * ((1 - x) if m else x)), h * (top + 0.8 * y)

        for cx, cy, rx, ry in FOOT:
            (ax, ay), (bx, by) = at(cx - rx, cy - ry), at(cx + rx, cy + ry)
            draw.ellipse((min(ax, bx), ay, max(ax, bx), by), 255)
        draw.polygon([at(0.14, 0.55), at(0.78, 0.52), at(0.62, 0.82), at(0.18, 0.82)], 255)


def draw_arrow(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A short, round-ended arrow pointing down."""
    line = int(w * 0.26)
    draw.line([(w / 2, line / 2), (w / 2, h * 0.7)], 255, line)
    draw.ellipse((w / 2 - line / 2, 0, w / 2 + line / 2, line), 255)
    draw.polygon([(0, h * 0.46), (w, h * 0.46), (w / 2, h)], 255)


def paint_person(canvas: Image.Image, box: Box) -> None:
    """A person seen from the front (a round head over round shoulders) in a soft disc."""
    w, h = box[2] - box[0], box[3] - box[1]
    rounded(canvas, box, min(w, h) // 2, PERSON_DISC)
    masks = [Image.new("L", (w * SS, h * SS), 0) for _ in range(2)]
    person, disc = (ImageDraw.Draw(mask) for mask in masks)
    W, H = w * SS, h * SS
    person.ellipse((W * 0.32, H * 0.2, W * 0.68, H * 0.56), 255)  # the head
    person.ellipse((W * 0.12, H * 0.62, W * 0.88, H * 1.4), 255)  # the shoulders
    disc.ellipse((0, 0, W - 1, H - 1), 255)
    mask = ImageChops.multiply(*masks).resize((w, h), Image.Resampling.BOX)
    canvas.paste(PERSON, box[:2], mask)
