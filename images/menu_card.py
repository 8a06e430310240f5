"""The picture of the method menu: the picture methods grouped by the three questions of a
personal development plan ("Wie ben ik?", "Wat wil ik?", "Wat kan ik?").

Each group is a soft-tinted panel of its own (lilac, yellow, blue, rose, top to bottom) with its
words as a big heading on the left, over a row of cards: a method's picture and its name.
A finished method's card has a green border and a drawn tick, like a chosen grid card; the
method her coach suggests next has a thick orange border, an orange glow and an orange "Nu"
badge with a white star. Cards are the same size in every group: up to four a row, three
when a name would not fit four a row at 28 px.

The renderer puts MENU_LAYOUT in the cache key of this picture: raise it whenever the
drawing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from images.drawing import (
    CARD_EDGE,
    GREEN,
    GREEN_TINT,
    RGB,
    SS,
    WHITE,
    Box,
    Lettering,
    PastePicture,
    card,
    draw_star,
    draw_tick,
    ringed,
    shadows,
    shape,
)
from images.layouts import COLLAGE_W, warm_background
from images.me_card import rows_of

MENU_LAYOUT = 2  # the renderer puts it in the cache key; raise it whenever the drawing changes
MAX_GROUPS, MAX_METHODS = 4, 4
MENU_W = COLLAGE_W

# One calm tint a panel, top to bottom: (panel, its edge, its heading).
TINTS: tuple[tuple[RGB, RGB, RGB], ...] = (
    ((238, 230, 252), (196, 178, 236), (76, 50, 138)),  # lilac
    ((255, 240, 196), (238, 204, 120), (120, 74, 10)),  # yellow
    ((222, 237, 252), (160, 196, 232), (26, 72, 128)),  # blue
    ((252, 228, 234), (232, 168, 186), (138, 36, 72)),  # rose (not green: green means done)
)
NEXT, NEXT_TINT = (224, 98, 12), (255, 240, 224)  # the method suggested next: orange
INK = (24, 30, 42)

MARGIN, PANEL_PAD, GAP, ROW_GAP, PANEL_GAP = 20, 22, 20, 36, 22  # ROW_GAP: room for "Nu"
HEADING, LABEL_PX, LEAST_PX = 50, 36, 28  # px: the heading, the names (never under 28)
CARD_MOST, PIC_MOST, PAD = 276, 196, 14  # px: a card, its picture, the room round it
BADGE, PILL = 58, 60  # px: the tick and the "Nu" badge are this tall
NOW = "Nu"


@dataclass(frozen=True)
class MenuMethod:
    """One method on the menu: its picture, its name, and how far she is with it."""

    picture: str  # picture id
    title: str  # e.g. "Droompagina", "Vier op een rij"
    done: bool = False
    next: bool = False  # the method suggested next


@dataclass(frozen=True)
class MenuGroup:
    """One question of the plan and the methods that answer it."""

    words: str  # e.g. "Wie ben ik?"
    methods: tuple[MenuMethod, ...]  # 1–4


@dataclass(frozen=True)
class Sizes:
    """The measures of one menu picture (every card the same size)."""

    columns: int
    card_w: int
    card_h: int
    pic: int
    label_px: int


def checked(groups: Sequence[MenuGroup]) -> None:
    """Raise ValueError unless there are 1–4 groups of 1–4 named methods, at most one next."""
    if not 1 <= len(groups) <= MAX_GROUPS:
        raise ValueError(f"a menu needs 1 to {MAX_GROUPS} groups, got {len(groups)}")
    for group in groups:
        if not group.words.strip():
            raise ValueError("every group of a menu needs words")
        if not 1 <= len(group.methods) <= MAX_METHODS:
            raise ValueError(
                f"a menu group needs 1 to {MAX_METHODS} methods, got {len(group.methods)}"
            )
        if any(not method.title.strip() for method in group.methods):
            raise ValueError("every method of a menu needs a title")
    nexts = [m.title for g in groups for m in g.methods if m.next]
    if len(nexts) > 1:
        raise ValueError(f"at most one method is next, got {nexts}")


def sizes_for(groups: Sequence[MenuGroup], letters: Lettering) -> Sizes:
    """Four cards a row when a group has four and every name still fits at 28 px, else three."""
    titles = [" ".join(m.title.split()) for g in groups for m in g.methods]
    inner = MENU_W - 2 * MARGIN - 2 * PANEL_PAD
    most = max(len(group.methods) for group in groups)
    for columns in range(max(3, most), 2, -1):
        card_w = min(CARD_MOST, (inner - (columns - 1) * GAP) // columns)
        fits = min(letters.fit(title, card_w - 2 * PAD, LABEL_PX)[0] for title in titles)
        if fits >= LEAST_PX:
            break
    pic = min(PIC_MOST, card_w - 2 * PAD)
    label_px, label_h = letters.label_size(titles, card_w - 2 * PAD, LABEL_PX)
    card_h = PAD + 4 + pic + 6 + label_h + PAD
    return Sizes(columns, card_w, card_h, pic, max(label_px, LEAST_PX))


def heading_h(group: MenuGroup, letters: Lettering) -> int:
    """How tall a group's words are (one line, or two when long)."""
    return letters.lines_height(group.words.strip(), MENU_W - 2 * MARGIN - 2 * PANEL_PAD, HEADING)


def panel_h(group: MenuGroup, sizes: Sizes, letters: Lettering) -> int:
    """How tall a group's panel is: its heading over its rows of cards."""
    rows = len(rows_of(len(group.methods), sizes.columns))
    cards = rows * (sizes.card_h + ROW_GAP) - ROW_GAP
    return PANEL_PAD - 6 + heading_h(group, letters) + ROW_GAP + cards + PANEL_PAD


def draw_menu_card(
    groups: Sequence[MenuGroup], letters: Lettering, paste: PastePicture
) -> Image.Image:
    """1–4 groups on tinted panels, top to bottom, each a heading over its methods' cards:
    done ones green with a tick, the next one orange with a "Nu" badge."""
    checked(groups)
    sizes = sizes_for(groups, letters)
    heights = [panel_h(group, sizes, letters) for group in groups]
    canvas = warm_background(MENU_W, 2 * MARGIN + sum(heights) + PANEL_GAP * (len(groups) - 1))
    y = MARGIN
    for group, height, tint in zip(groups, heights, TINTS, strict=False):
        box = (MARGIN, y, MENU_W - MARGIN, y + height)
        draw_panel(canvas, group, box, tint, sizes, letters, paste)
        y += height + PANEL_GAP
    return canvas


def draw_panel(
    canvas: Image.Image,
    group: MenuGroup,
    box: Box,
    tint: tuple[RGB, RGB, RGB],
    sizes: Sizes,
    letters: Lettering,
    paste: PastePicture,
) -> None:
    """One tinted panel: the heading on the left, the cards in rows under it."""
    x0, y0, x1, _ = box
    panel, edge, ink = tint
    shadows(canvas, [box], 30, blur=8, strength=40)
    card(canvas, box, 30, edge, panel, 4)
    left = x0 + PANEL_PAD
    size, lines = letters.fit(group.words.strip(), x1 - x0 - 2 * PANEL_PAD, HEADING)
    font, draw = letters.font(size), ImageDraw.Draw(canvas)
    line_h = sum(font.getmetrics())
    for i, line in enumerate(lines):
        draw.text((left, y0 + PANEL_PAD - 6 + i * line_h), line, ink, font)
    top = y0 + PANEL_PAD - 6 + len(lines) * line_h + ROW_GAP
    block = sizes.columns * (sizes.card_w + GAP) - GAP
    left = (x0 + x1 - block) // 2
    spots: list[Box] = []
    for r, count in enumerate(rows_of(len(group.methods), sizes.columns)):
        y = top + r * (sizes.card_h + ROW_GAP)
        xs = [left + c * (sizes.card_w + GAP) for c in range(count)]
        spots += [(x, y, x + sizes.card_w, y + sizes.card_h) for x in xs]
    shadows(canvas, spots, 22, blur=6, strength=50)
    for method, spot in zip(group.methods, spots, strict=True):
        draw_method(canvas, method, spot, sizes, letters, paste)


def draw_method(
    canvas: Image.Image,
    method: MenuMethod,
    box: Box,
    sizes: Sizes,
    letters: Lettering,
    paste: PastePicture,
) -> None:
    """One card: the picture and the name; green and ticked when done, orange when next."""
    x0, y0, x1, y1 = box
    if method.next:
        glow(canvas, box)
        card(canvas, box, 22, NEXT, GREEN_TINT if method.done else NEXT_TINT, 9)
    elif method.done:
        card(canvas, box, 22, GREEN, GREEN_TINT, 7)
    else:
        card(canvas, box, 22, CARD_EDGE, WHITE, 2)
    paste(canvas, method.picture, (x0 + x1 - sizes.pic) // 2, y0 + PAD + 4, sizes.pic)
    label_top = y0 + PAD + 4 + sizes.pic + 6
    label = (x0 + PAD, label_top, x1 - PAD, y1 - PAD)
    ink = INK
    if method.next:  # the name on an orange strip
        strip = (x0, label_top - 2, x1, y1)  # the border's colour: it joins the border
        shape(canvas, strip, NEXT, lambda d, w, h: strip_shape(d, w, h, 22 * SS))
        ink = WHITE
    letters.text(canvas, " ".join(method.title.split()), label, sizes.label_px, ink)
    if method.done:  # a drawn ✅, top right
        tick = (x1 - 10 - BADGE, y0 + 10, x1 - 10, y0 + 10 + BADGE)
        ringed(canvas, tick, 16, GREEN, 19)
        shape(canvas, tick, WHITE, draw_tick)
    if method.next:  # an orange pill on the top edge, on the left: a white star and "Nu"
        font = letters.font(36)
        pill_w = PILL + int(font.getlength(NOW)) + 10
        pill = (x0 + 8, y0 - PILL // 2, x0 + 8 + pill_w, y0 + PILL // 2)
        ringed(canvas, pill, PILL // 2, NEXT, PILL // 2 + 3)
        star = (pill[0] + 8, pill[1] + 7, pill[0] + PILL - 6, pill[3] - 7)
        shape(canvas, star, WHITE, draw_star)
        text_at = (pill[0] + PILL - 2, (pill[1] + pill[3]) // 2 + 1)
        ImageDraw.Draw(canvas).text(text_at, NOW, WHITE, font, "lm")


def strip_shape(draw: ImageDraw.ImageDraw, w: int, h: int, radius: int) -> None:
    """A strip with square top corners and rounded bottom ones (it fits the card's bottom)."""
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius, 255)
    draw.rectangle((0, 0, w - 1, radius), 255)


def glow(canvas: Image.Image, box: Box) -> None:
    """A soft orange glow round the card suggested next."""
    mask = Image.new("L", canvas.size, 0)
    x0, y0, x1, y1 = box
    ImageDraw.Draw(mask).rounded_rectangle((x0 - 8, y0 - 8, x1 + 8, y1 + 8), 30, 150)
    canvas.paste(NEXT, (0, 0), mask.filter(ImageFilter.GaussianBlur(8)))
