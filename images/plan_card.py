"""The plan card: an action plan as one picture, a title over one white row per action.

Each row shows its picture (or, without one, a calm tile with its number) on the left, and
beside it the words (two lines at most) over the date on a light blue pill. 720 px wide (a
phone shows it as wide as a 960 px grid, so its words look big) keeps eight rows of bold
text small.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from images.drawing import (
    ACCENT,
    BACKGROUND,
    INK,
    NUMBER,
    WHITE,
    Lettering,
    PastePicture,
    card,
    draw_calendar,
    ringed,
    rounded,
    shadows,
    shape,
)

PlanRow = tuple[str | None, str, str]  # (picture id or None, a few words, a date text)

MAX_PLAN_ROWS, PLAN_W, PLAN_PIC, PLAN_PAD = 8, 720, 124, 14
PLAN_WORDS, PLAN_WORDS_SMALLEST, PLAN_DATE, PLAN_PILL, PLAN_TITLE = 36, 30, 26, 42, 50
DATE_TINT, BADGE_TINT = (218, 232, 252), (214, 225, 239)


def draw_plan(
    rows: list[PlanRow], title: str, letters: Lettering, paste: PastePicture
) -> Image.Image:
    """The card for `rows` (numbered from 1, with clean words and date texts; an empty date
    text shows no pill) under `title` (none when empty)."""
    margin, row_gap, pill_gap = 16, 12, 9
    text_x = PLAN_PAD + PLAN_PIC + 20  # from the card's left edge
    text_w = PLAN_W - 2 * margin - text_x - 18
    # One size for all rows: the biggest at which every row fits that can fit at all.
    fitting = [w for _, w, _ in rows if not letters.wrap(w, text_w, PLAN_WORDS_SMALLEST)[1]]
    size = next(
        (
            size
            for size in range(PLAN_WORDS, PLAN_WORDS_SMALLEST, -2)
            if not any(letters.wrap(words, text_w, size)[1] for words in fitting)
        ),
        PLAN_WORDS_SMALLEST,
    )
    words_font, date_font = letters.font(size), letters.font(PLAN_DATE)
    line_h = sum(words_font.getmetrics())
    blocks = [
        len(letters.wrap(words, text_w, size)[0]) * line_h + (pill_gap + PLAN_PILL if day else 0)
        for _, words, day in rows
    ]
    row_h = max(PLAN_PIC + 2 * PLAN_PAD, max(blocks) + 2 * 20)
    title_h = letters.lines_height(title, PLAN_W - 140, PLAN_TITLE) + 36 if title else 0
    top = 18 + title_h + (12 if title else 0)
    height = top + len(rows) * (row_h + row_gap) - row_gap + 22
    canvas = Image.new("RGB", (PLAN_W, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    if title:
        letters.text(canvas, title, (70, 16, PLAN_W - 70, title_h - 6), PLAN_TITLE, NUMBER)
        middle = PLAN_W // 2
        rounded(canvas, (middle - 54, title_h, middle + 54, title_h + 8), 4, ACCENT)
    ys = [top + i * (row_h + row_gap) for i in range(len(rows))]
    boxes = [(margin, y, PLAN_W - margin, y + row_h) for y in ys]
    shadows(canvas, boxes, 18)
    for number, ((pid, words, day), block, (x, y, x1, y1)) in enumerate(
        zip(rows, blocks, boxes, strict=True), start=1
    ):
        card(canvas, (x, y, x1, y1), 18)
        pic_x, pic_y = x + PLAN_PAD, y + (row_h - PLAN_PIC) // 2
        if pid is None:  # no picture: a calm tile with the number, big
            rounded(canvas, (pic_x, pic_y, pic_x + PLAN_PIC, pic_y + PLAN_PIC), 20, BADGE_TINT)
            middle_of_tile = (pic_x + PLAN_PIC // 2, pic_y + PLAN_PIC // 2)
            draw.text(middle_of_tile, str(number), NUMBER, letters.font(58), "mm")
        else:  # the picture leaves its top left corner to a small navy number
            paste(canvas, pid, pic_x + 9, pic_y + 5, PLAN_PIC - 9)
            font = letters.font(24)
            badge_w = max(38, int(font.getlength(str(number))) + 16)
            ringed(canvas, (x + 6, y + 6, x + 6 + badge_w, y + 44), 19, NUMBER, 19)
            draw.text((x + 6 + badge_w // 2, y + 25), str(number), WHITE, font, "mm")
        lines, _ = letters.wrap(words, text_w, size)
        text_top = y + (row_h - block) // 2
        for i, line in enumerate(lines):
            draw.text((x + text_x, text_top + i * line_h), line, INK, words_font, "la")
        if day:  # the date on a light blue pill, after a little calendar
            (shown,), _ = letters.wrap(day, text_w - 64, PLAN_DATE, 1)
            pill_top = text_top + len(lines) * line_h + pill_gap
            pill_w = int(date_font.getlength(shown)) + 64
            pill = (x + text_x, pill_top, x + text_x + pill_w, pill_top + PLAN_PILL)
            rounded(canvas, pill, PLAN_PILL // 2, DATE_TINT)
            icon_top = pill_top + (PLAN_PILL - 24) // 2
            icon = (pill[0] + 14, icon_top, pill[0] + 38, icon_top + 24)
            shape(canvas, icon, NUMBER, draw_calendar)
            draw.text((pill[0] + 47, pill_top + PLAN_PILL // 2), shown, NUMBER, date_font, "lm")
    return canvas
