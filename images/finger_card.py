"""The picture before each question of the HAND method: the hand of "my hand" (hand_card),
pale, with the finger asked about in its own colour (its accent in hand_card.ACCENTS), a soft
glow round it and a big numbered badge (1 = thumb … 5 = little finger) just past its tip;
under the hand, on a white card edged in that colour, the question in big bold letters.

All five pictures are the same size with the hand in the same place, so only the finger
changes from question to question. The question's letters are at least 60 px: 30 px when the
picture is shown 360 px wide on a phone.

The renderer puts FINGER_LAYOUT in the cache key: raise it whenever this drawing changes.
"""

from __future__ import annotations

import itertools
import math

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from images import hand_card as hc
from images.drawing import INK, RGB, SS, WHITE, Box, Lettering, rounded, shadows
from images.layouts import warm_background

FINGER_LAYOUT = 1  # in the cache key; raise it whenever the drawing changes
FINGER_QUESTIONS = (
    "Waar ben je goed in?",
    "Waar wil je naartoe?",
    "Waar heb je een hekel aan?",
    "Wat is heel belangrijk voor jou?",
    "Wat vind je moeilijk?",
)  # thumb → little finger

WIDTH, MARGIN = 720, 24
HAND_W, HAND_TOP = 400, 112  # the hand's box (100 units wide) and where it starts
UNIT, HAND_X = HAND_W / 100, (WIDTH - HAND_W) // 2
CARD_TOP = HAND_TOP + round(127 * UNIT)  # the question's card hides the sleeve below this
QUESTION_PX, QUESTION_LINES, CARD_PAD, CARD_EDGE = 68, 3, 20, 6
BADGE_R, BADGE_GAP, BADGE_PX = 48, 8, 64
PALE = 0.5  # how much white goes into the hand's colours
GLOW_GROW, GLOW_BLUR = 5.0, 14  # units, px


def draw_finger_card(finger: int, letters: Lettering) -> Image.Image:
    """The picture before the question for `finger`: 1 (thumb) … 5 (little finger)."""
    if finger not in range(1, len(FINGER_QUESTIONS) + 1):
        raise ValueError(f"finger is 1 (thumb) … 5 (little finger), got {finger}")
    digit, accent = hc.DIGITS[finger - 1], hc.ACCENTS[finger - 1]
    size, lines = question(FINGER_QUESTIONS[finger - 1], letters)
    line_h = sum(letters.font(size).getmetrics())
    most = QUESTION_LINES * sum(letters.font(QUESTION_PX).getmetrics())  # the card fits 3 lines
    card_h = 2 * (CARD_EDGE + CARD_PAD) + most
    canvas = warm_background(WIDTH, CARD_TOP + card_h + MARGIN)  # the same size for every finger
    hand = (HAND_X, HAND_TOP, HAND_X + HAND_W, CARD_TOP + 40)
    glow(canvas, hand, digit, hc.mix(accent, WHITE, 0.25))
    skin = (pale(hc.SKIN), pale(hc.SKIN_EDGE), pale(hc.SKIN_LINE))
    sleeve = (pale(hc.SLEEVE), pale(hc.CUFF), pale(hc.SLEEVE_EDGE))
    hc.draw_the_hand(canvas, hand, skin, sleeve, (None,) * len(hc.DIGITS))  # no rings
    masks = (finger_mask(hand, digit, grow) for grow in (hc.OUTLINE, 0.0))
    for fill, mask in zip((hc.mix(accent, INK, 0.35), accent), masks, strict=True):
        hc.paint(canvas, hand, fill, mask)
    badge(canvas, hand, digit, str(finger), accent, letters)
    box = (MARGIN, CARD_TOP, WIDTH - MARGIN, CARD_TOP + card_h)
    shadows(canvas, [box], 24, blur=10, strength=60)
    rounded(canvas, box, 24, accent)
    rounded(canvas, box, 24 - CARD_EDGE, WHITE, inset=CARD_EDGE)
    draw, font = ImageDraw.Draw(canvas), letters.font(size)
    top = box[1] + (card_h - len(lines) * line_h) // 2
    for i, shown in enumerate(lines):
        draw.text((WIDTH // 2, top + i * line_h), shown, INK, font, "ma")
    return canvas


def question(text: str, letters: Lettering) -> tuple[int, list[str]]:
    """The biggest size (up to QUESTION_PX) at which `text` fits the card on at most
    QUESTION_LINES lines, and its lines: as few as can be, then as even as can be."""
    words, room = text.split(), WIDTH - 2 * (MARGIN + CARD_EDGE + CARD_PAD)
    for size in range(QUESTION_PX, 11, -1):
        font = letters.font(size)
        for count in range(1, QUESTION_LINES + 1):
            splits = (
                [" ".join(words[a:b]) for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)]
                for cuts in itertools.combinations(range(1, len(words)), count - 1)
            )
            fitting = [s for s in splits if widest(s, font) <= room]
            if fitting:  # a line starting with a little word ("je goed in?") reads badly
                return size, min(fitting, key=lambda s: (little_starts(s), widest(s, font)))
    return 12, [text]


def pale(colour: RGB) -> RGB:
    """`colour`, paler: for the fingers not asked about."""
    return hc.mix(colour, WHITE, PALE)


def little_starts(lines: list[str]) -> int:
    """How many of `lines` after the first start with a word of one or two letters."""
    return sum(len(shown.split()[0]) <= 2 for shown in lines[1:])


def widest(lines: list[str], font: ImageFont.FreeTypeFont) -> float:
    """How wide the widest of `lines` is."""
    return max(font.getlength(shown) for shown in lines)


def finger_mask(hand: Box, digit: hc.Digit, grow: float) -> Image.Image:
    """`digit` from where it leaves the palm to its tip (255), `grow` units bigger (but for its
    straight base), at SS× the hand's box."""
    size = ((hand[2] - hand[0]) * SS, (hand[3] - hand[1]) * SS)
    mask, s = Image.new("L", size, 0), size[0] / 100
    draw = ImageDraw.Draw(mask)
    (bx, by), (tx, ty) = digit.base, digit.tip
    hc.line(draw, (bx * s, by * s), (tx * s, ty * s), (digit.width + 2 * grow) * s)
    edge = digit.width / 2 - 1
    t = min(
        next(t / 100 for t in range(100) if not in_palm(digit.at(t / 100, side)))
        for side in (-edge, edge)
    )
    (px, py), length = digit.at(t), math.dist(digit.base, digit.tip)
    ux, uy = (tx - bx) / length * 100, (ty - by) / length * 100  # along, 100 units long
    # wipe out all on the palm's side of the line across the finger where it leaves the palm
    cut = [(px - uy, py + ux), (px + uy, py - ux), (px + uy - ux, py - ux - uy)]
    draw.polygon([(x * s, y * s) for x, y in [*cut, (px - uy - ux, py + ux - uy)]], 0)
    return mask


def in_palm(point: hc.Point) -> bool:
    """Whether `point` (in units) is in the palm's rounded rectangle."""
    x0, y0, x1, y1, radius = hc.PALM
    x = min(max(point[0], x0 + radius), x1 - radius)
    y = min(max(point[1], y0 + radius), y1 - radius)
    return math.dist(point, (x, y)) <= radius


def glow(canvas: Image.Image, hand: Box, digit: hc.Digit, colour: RGB) -> None:
    """A soft halo of `colour` round the finger, behind the hand."""
    mask = Image.new("L", canvas.size, 0)
    size = (hand[2] - hand[0], hand[3] - hand[1])
    mask.paste(finger_mask(hand, digit, GLOW_GROW).resize(size, Image.Resampling.BOX), hand[:2])
    blurred = mask.filter(ImageFilter.GaussianBlur(GLOW_BLUR))
    canvas.paste(colour, (0, 0), blurred.point(lambda v: min(255, v * 3 // 2)))


def badge(
    canvas: Image.Image, hand: Box, digit: hc.Digit, number: str, fill: RGB, letters: Lettering
) -> None:
    """A round badge in `fill` with a white ring and a white `number`, just past the tip."""
    (ex, ey), (bx, by), (tx, ty) = digit.end(), digit.base, digit.tip
    length = math.dist((bx, by), (tx, ty))
    reach = BADGE_R + BADGE_GAP
    x = round(hand[0] + ex * UNIT + (tx - bx) / length * reach)
    y = round(hand[1] + ey * UNIT + (ty - by) / length * reach)
    box = (x - BADGE_R, y - BADGE_R, x + BADGE_R, y + BADGE_R)
    shadows(canvas, [box], BADGE_R, blur=6, strength=60)
    rounded(canvas, box, BADGE_R, WHITE, inset=-5)
    rounded(canvas, box, BADGE_R, fill)
    ImageDraw.Draw(canvas).text((x, y + 2), number, WHITE, letters.font(BADGE_PX), "mm")
