"""Pillow drawing helpers shared by every layout: the calm palette, smooth rounded cards with
soft shadows and ringed badges, small drawn shapes (a tick, a star, a calendar) and bold
text that is fitted, centred or wrapped to the room it has.

Nothing here caches pictures or files; a change here changes rendered images, so bump
RENDER_VERSION in images/render.py with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"
SOFT_HYPHEN = "\u00ad"  # put one in a long label ("Computer\u00advaardigheden") to let it wrap

Box = tuple[int, int, int, int]
RGB = tuple[int, int, int]
Shape = Callable[[ImageDraw.ImageDraw, int, int], None]  # draws in a (w, h) mask, 255 = ink
# Pastes a picture, contained in a `size` square with its top left at (x, y), on a canvas.
PastePicture = Callable[[Image.Image, str, int, int, int], None]

# Calm, high-contrast colours: grey-blue page, white cards, near-black text, navy numbers.
BACKGROUND, WHITE, CARD_EDGE, INK = (232, 237, 243), (255, 255, 255), (184, 195, 208), (24, 30, 42)
NUMBER, GREEN, GREEN_TINT, SHADOW = (29, 53, 87), (24, 135, 58), (221, 243, 226), (40, 48, 66)
ACCENT = (240, 140, 60)  # the short orange bar under a title
SS = 4  # shapes are drawn 4× larger and scaled down, for smooth edges
TICK = [(0.24, 0.53), (0.43, 0.71), (0.77, 0.32)]
STAR = [
    (0.5 + k * math.sin(i * math.pi / 5) / 2, 0.54 - k * math.cos(i * math.pi / 5) / 2)
    for i, k in enumerate([0.98, 0.42] * 5)
]


# -- shapes -------------------------------------------------------------------------------


def shape(canvas: Image.Image, box: Box, fill: RGB, draw: Shape) -> None:
    """Paint `fill` through a smooth (anti-aliased) mask that `draw` draws at SS× size."""
    w, h = box[2] - box[0], box[3] - box[1]
    mask = Image.new("L", (w * SS, h * SS), 0)
    draw(ImageDraw.Draw(mask), w * SS, h * SS)
    canvas.paste(fill, box, mask.resize((w, h), Image.Resampling.BOX))


def rounded(canvas: Image.Image, box: Box, radius: int, fill: RGB, inset: int = 0) -> None:
    """A smooth rounded rectangle; a negative `inset` makes it larger than `box`."""
    inner = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
    shape(
        canvas,
        inner,
        fill,
        lambda d, w, h: d.rounded_rectangle((0, 0, w - 1, h - 1), radius * SS, 255),
    )


def card(
    canvas: Image.Image,
    box: Box,
    radius: int,
    edge: RGB = CARD_EDGE,
    fill: RGB = WHITE,
    border: int = 2,
) -> None:
    """A rounded card: `fill` inside a `border` px edge in `edge`."""
    rounded(canvas, box, radius, edge)
    rounded(canvas, box, radius - border, fill, inset=border)


def ringed(canvas: Image.Image, box: Box, radius: int, fill: RGB, ring_radius: int) -> None:
    """A rounded badge in `fill` with a 3 px white ring round it (rounded by `ring_radius`)."""
    rounded(canvas, box, ring_radius, WHITE, inset=-3)
    rounded(canvas, box, radius, fill)


def shadows(
    canvas: Image.Image, boxes: list[Box], radius: int, blur: int = 6, strength: int = 55
) -> None:
    """Soft drop shadows under cards, so they look like things you can tap."""
    mask = Image.new("L", canvas.size, 0)
    draw = ImageDraw.Draw(mask)
    for x0, y0, x1, y1 in boxes:
        draw.rounded_rectangle((x0, y0 + 4, x1, y1 + 4), radius, strength)
    canvas.paste(SHADOW, (0, 0), mask.filter(ImageFilter.GaussianBlur(blur)))


def draw_tick(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A check mark with round ends (the ✅ of a chosen card)."""
    points = [(px * w, py * h) for px, py in TICK]
    width = int(w * 0.13)
    draw.line(points, 255, width, joint="curve")
    for px, py in (points[0], points[-1]):  # round ends
        draw.ellipse((px - width / 2, py - width / 2, px + width / 2, py + width / 2), 255)


def draw_calendar(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A little calendar page: a frame, a solid top band and two rings."""
    line = max(1, int(w * 0.1))
    draw.rounded_rectangle((0, h * 0.12, w - 1, h - 1), int(w * 0.16), 255)
    draw.rounded_rectangle((line, h * 0.38, w - 1 - line, h - 1 - line), int(w * 0.08), 0)
    for px in (0.3, 0.7):
        draw.rounded_rectangle((w * px - line / 2, 0, w * px + line / 2, h * 0.28), line // 2, 255)
    dot = w * 0.1
    for cx, cy in ((0.32, 0.58), (0.5, 0.58), (0.68, 0.58), (0.32, 0.78), (0.5, 0.78)):
        draw.ellipse((w * cx - dot, h * cy - dot, w * cx + dot, h * cy + dot), 255)


def draw_star(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A five-pointed star."""
    draw.polygon([(px * w, py * h) for px, py in STAR], 255)


# -- text ---------------------------------------------------------------------------------


class Lettering:
    """The bold font at any size, and text fitted, centred or wrapped to the room it has.

    Keeps the fonts it loaded; not safe to use from several threads at once."""

    def __init__(self, font_path: Path = FONT_PATH) -> None:
        self._font_path = font_path
        self._fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        """The font at `size` px."""
        if size not in self._fonts:
            layout = ImageFont.Layout.BASIC  # same pixels with or without libraqm
            self._fonts[size] = ImageFont.truetype(str(self._font_path), size, layout_engine=layout)
        return self._fonts[size]

    def fit(self, text: str, width: int, largest: int) -> tuple[int, list[str]]:
        """The biggest font size (and line breaks) at which `text` fits `width` on two lines;
        one line if that can be at least 4/5 of `largest`."""
        options = line_options(text)
        tries = [(size, options[:1]) for size in range(largest, largest * 4 // 5 - 1, -1)]
        for size, allowed in tries + [(size, options) for size in range(largest, 11, -1)]:
            font = self.font(size)
            fitting = [o for o in allowed if max(font.getlength(s) for s in o) <= width]
            if fitting:
                return size, min(fitting, key=lambda o: (len(o), max(map(font.getlength, o))))
        font, shown = self.font(12), options[0][0]
        while len(shown) > 1 and font.getlength(shown + "…") > width:
            shown = shown[:-1]
        return 12, [shown.rstrip() + "…"]

    def text(self, canvas: Image.Image, text: str, box: Box, largest: int, fill: RGB) -> None:
        """Centre `text` in `box`, as big as fits (up to `largest` px) on at most two lines."""
        size, lines = self.fit(text, box[2] - box[0], largest)
        font = self.font(size)
        line_h = sum(font.getmetrics())
        top = box[1] + (box[3] - box[1] - len(lines) * line_h) // 2
        draw, middle = ImageDraw.Draw(canvas), (box[0] + box[2]) // 2
        for i, line in enumerate(lines):
            draw.text((middle, top + i * line_h), line, fill, font, "ma")

    def lines_height(self, text: str, width: int, largest: int) -> int:
        """How tall `text` is when fitted as `text` would draw it."""
        size, lines = self.fit(text, width, largest)
        return len(lines) * sum(self.font(size).getmetrics())

    def label_size(self, labels: list[str], width: int, largest: int) -> tuple[int, int]:
        """One font size for all labels (the biggest at which each fits, or only a long one
        smaller if that would drop below 3/4 of `largest`), and the height they need."""
        size = min(self.fit(label, width, largest)[0] for label in labels)
        size = max(size, largest * 3 // 4)
        return size, max(self.lines_height(label, width, size) for label in labels) + 12

    def wrap(self, text: str, width: int, size: int, most: int = 2) -> tuple[list[str], bool]:
        """`text` broken at spaces into lines of at most `width` px (a word too long for a
        line is cut); the first `most` lines, and whether something had to be left out
        (then the last one ends in "…")."""
        font, lines, current = self.font(size), [], ""
        for word in text.replace(SOFT_HYPHEN, "").split():
            trial = f"{current} {word}" if current else word
            if font.getlength(trial) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            current = word
            while font.getlength(current) > width:  # a very long word: cut it
                fits = (
                    i
                    for i in range(len(current) - 1, 1, -1)
                    if font.getlength(current[:i]) <= width
                )
                cut = next(fits, 1)
                lines.append(current[:cut])
                current = current[cut:]
        if current or not lines:
            lines.append(current)
        if len(lines) <= most:
            return lines, False

        def ended(line: str) -> str:
            return line.rstrip(" ,.;:-") + "…"

        last = lines[most - 1]
        while " " in last and font.getlength(ended(last)) > width:  # whole words off first
            last = last.rsplit(" ", 1)[0]
        while len(last) > 1 and font.getlength(ended(last)) > width:
            last = last[:-1]
        return [*lines[: most - 1], ended(last)], True


def line_options(text: str) -> list[list[str]]:
    """`text` on one line, then every way to break it in two: at a space, after a hyphen,
    or at a soft hyphen (shown as "-")."""

    def clean(part: str) -> str:
        return " ".join(part.replace(SOFT_HYPHEN, "").split())

    options = [[clean(text)]]
    for i, char in enumerate(text):
        if char in (" ", "-", SOFT_HYPHEN):
            first = clean(text[: i + (char == "-")]) + ("-" if char == SOFT_HYPHEN else "")
            second = clean(text[i + 1 :])
            if first.strip("-") and second:
                options.append([first, second])
    return options
