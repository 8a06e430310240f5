"""The picture pages: a numbered grid of cards to choose from, one picture on a card, and the
dream page (a title over 1–8 pictures in centred rows on a warm background).

Each layout draws a fresh image from picture ids and their labels; pasting the pictures
themselves is left to the caller (the renderer keeps them decoded and scaled).
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter

from images.drawing import (
    ACCENT,
    BACKGROUND,
    CARD_EDGE,
    GREEN,
    GREEN_TINT,
    INK,
    NUMBER,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    card,
    draw_star,
    draw_tick,
    ringed,
    rounded,
    shadows,
    shape,
)

# The dream page is warm: peach to cream, brown title, orange and gold accents.
WARM_TOP, WARM_BOTTOM, TITLE_INK = (255, 222, 189), (255, 246, 232), (118, 56, 14)
GOLD, GLOW = (247, 190, 80), (255, 200, 160)
PASTELS = ((255, 228, 204), (214, 240, 226), (218, 232, 252), (240, 224, 248))

# Grid: up to three columns of cards, 944 px wide with three.
GAP, CARD_W, CARD_PAD, GRID_PIC, GRID_TEXT = 14, 296, 22, 216, 38
SINGLE_W, SINGLE_PIC, COLLAGE_W = 480, 352, 960
# Cards per row on the dream page, by number of pictures: centred rows, never a hole.
COLLAGE_ROWS = {1: (1,), 2: (2,), 3: (1, 2), 4: (2, 2), 5: (2, 3), 6: (3, 3), 7: (2, 3, 2)}
COLLAGE_ROWS[8] = (3, 2, 3)


def draw_grid(
    ids: list[str],
    labels: list[str],
    chosen: frozenset[str],
    first_number: int,
    letters: Lettering,
    paste: PastePicture,
) -> Image.Image:
    """Numbered cards in up to three columns; chosen ones green, with a drawn ✅."""
    text_px, label_h = letters.label_size(labels, CARD_W - 28, GRID_TEXT)
    card_h = CARD_PAD + GRID_PIC + 4 + label_h + 8
    cols = min(len(ids), 3)
    rows = (len(ids) + cols - 1) // cols
    size = (cols * CARD_W + (cols + 1) * GAP, rows * card_h + (rows + 1) * GAP)
    canvas = Image.new("RGB", size, BACKGROUND)
    draw, step_x, step_y = ImageDraw.Draw(canvas), CARD_W + GAP, card_h + GAP
    spots = [(GAP + i % cols * step_x, GAP + i // cols * step_y) for i in range(len(ids))]
    shadows(canvas, [(x, y, x + CARD_W, y + card_h) for x, y in spots], 22)
    for i, (pid, label, (x, y)) in enumerate(zip(ids, labels, spots, strict=True)):
        picked, number = pid in chosen, first_number + i
        edge, fill, width = (GREEN, GREEN_TINT, 8) if picked else (CARD_EDGE, WHITE, 2)
        card(canvas, (x, y, x + CARD_W, y + card_h), 22, edge, fill, width)
        paste(canvas, pid, x + (CARD_W - GRID_PIC) // 2, y + CARD_PAD, GRID_PIC)
        label_top = y + CARD_PAD + GRID_PIC + 4
        label_box = (x + 14, label_top, x + CARD_W - 14, label_top + label_h)
        letters.text(canvas, label, label_box, text_px, INK)
        # The number: a navy pill with a white ring, top left.
        font = letters.font(40 if number < 100 else 32)
        badge_w = max(62, int(font.getlength(str(number))) + 26)
        ringed(canvas, (x + 8, y + 8, x + 8 + badge_w, y + 70), 31, NUMBER, 34)
        draw.text((x + 8 + badge_w // 2, y + 40), str(number), WHITE, font, "mm")
        if picked:  # a drawn ✅, top right
            tick = (x + CARD_W - 70, y + 8, x + CARD_W - 8, y + 70)
            ringed(canvas, tick, 15, GREEN, 18)
            shape(canvas, tick, WHITE, draw_tick)
    return canvas


def draw_single(pid: str, label: str, letters: Lettering, paste: PastePicture) -> Image.Image:
    """One picture with its label on a small card."""
    label_h = letters.lines_height(label, SINGLE_W - 2 * GAP - 40, 46) + 12
    box = (GAP, GAP, SINGLE_W - GAP, GAP + 20 + SINGLE_PIC + 10 + label_h + 16)
    canvas = Image.new("RGB", (SINGLE_W, box[3] + GAP), BACKGROUND)
    shadows(canvas, [box], 26)
    card(canvas, box, 26)
    paste(canvas, pid, (SINGLE_W - SINGLE_PIC) // 2, GAP + 20, SINGLE_PIC)
    label_top = GAP + 20 + SINGLE_PIC + 10
    letters.text(canvas, label, (GAP + 20, label_top, box[2] - 20, label_top + label_h), 46, INK)
    return canvas


def draw_collage(
    ids: list[str], labels: list[str], title: str, letters: Lettering, paste: PastePicture
) -> Image.Image:
    """The dream page: `title` (none when empty) over the pictures, on pastel cards."""
    rows, gap = COLLAGE_ROWS[len(ids)], 28
    widest = max(rows)
    card_w = min({1: 480, 2: 410}.get(widest, 960), (COLLAGE_W - (widest + 1) * gap) // widest)
    pad = card_w // 14
    pic = card_w - 2 * pad
    label_px, label_h = letters.label_size(labels, pic, min(46, card_w // 7))
    label_h += 8
    card_h = pad + pic + 4 + label_h + pad
    title_h = letters.lines_height(title, COLLAGE_W - 200, 64) + 56 if title else 0
    top = 36 + title_h
    canvas = warm_background(COLLAGE_W, top + len(rows) * (card_h + gap) - gap + 44)
    if title:
        letters.text(canvas, title, (100, 32, COLLAGE_W - 100, title_h - 12), 64, TITLE_INK)
        middle = COLLAGE_W // 2
        rounded(canvas, (middle - 70, title_h - 2, middle + 70, title_h + 8), 5, ACCENT)
        for x in (26, COLLAGE_W - 86):  # two gold stars beside the title
            star_top = 4 + (title_h - 44) // 2
            shape(canvas, (x, star_top, x + 60, star_top + 60), GOLD, draw_star)
    boxes: list[Box] = []
    for r, count in enumerate(rows):
        y = top + r * (card_h + gap)
        left = (COLLAGE_W - count * (card_w + gap) + gap) // 2
        xs = [left + c * (card_w + gap) for c in range(count)]
        boxes += [(x, y, x + card_w, y + card_h) for x in xs]
    shadows(canvas, boxes, 24, blur=10, strength=70)
    for i, (pid, label, (x, y, x1, y1)) in enumerate(zip(ids, labels, boxes, strict=True)):
        label_top, pastel = y + pad + pic + 4, PASTELS[i % len(PASTELS)]
        rounded(canvas, (x, y, x1, y1), 24, pastel)  # the label sits on a coloured strip
        rounded(canvas, (x, y, x1, label_top + 24), 24, WHITE)
        canvas.paste(pastel, (x, label_top, x1, label_top + 24))
        paste(canvas, pid, x + pad, y + pad, pic)
        letters.text(canvas, label, (x + pad, label_top, x1 - pad, y1 - pad), label_px, INK)
    return canvas


def warm_background(width: int, height: int) -> Image.Image:
    """Peach at the top fading to cream, with a few soft glows."""
    fade = Image.linear_gradient("L").resize((width, height))
    canvas = Image.composite(
        Image.new("RGB", fade.size, WARM_BOTTOM), Image.new("RGB", fade.size, WARM_TOP), fade
    )
    glow = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(glow)
    for cx, cy, r in ((0, 0, 220), (width, height // 3, 180), (width // 5, height, 240)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), 90)
    canvas.paste(GLOW, (0, 0), glow.filter(ImageFilter.GaussianBlur(60)))
    return canvas
