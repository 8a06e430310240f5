"""The mini-POP's picture after the day of her step: "Gelukt!" when it worked, "Goed
geprobeerd!" when it did not (yet).

Worked: a big drawn gold medal (a blue and red ribbon, a gold disc with a star) hangs from the
top among confetti, over the words, her step on a white card with the footprints of "Mijn
kleine stap" and the date beside a little calendar. Not (yet): the same card, calm, with a
sprout in a pot on a soft green disc instead of the medal, no gold and no confetti.

Typed words lose what the font cannot draw (emoji); the step wraps to at most four lines
(then "…"). Every picture is SUCCESS_W × SUCCESS_H.

The renderer puts SUCCESS_LAYOUT in the cache key: raise it whenever this drawing changes.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from images.drawing import INK, RGB, WHITE, Box, Lettering, Shape, ringed, rounded, shadows, shape
from images.layouts import COLLAGE_W, TITLE_INK, warm_background
from images.me_card import leaf
from images.step_card import (
    BADGE_INK,
    draw_footprints,
    draw_lines,
    fit_lines,
    paint_calendar,
    typed,
)

SUCCESS_LAYOUT = 1  # in the cache key; raise it whenever the drawing changes
SUCCESS_WORDS, TRIED_WORDS = "Gelukt!", "Goed geprobeerd!"

SUCCESS_W = SUCCESS_H = COLLAGE_W
MIDDLE, DISC_Y, DISC_R = COLLAGE_W // 2, 256, 138  # the medal's (or the sprout's) disc
TITLE_TOP, TITLE_H, TITLE_PX = 406, 104, 84
CARD_X, CARD_PAD, BADGE = 48, 30, 96
STEP_SIZES, STEP_LINES, DAY_PX, CALENDAR = (56, 52, 48, 44, 40), 4, 40, 58

GOLD, GOLD_RIM = (250, 194, 46), (214, 146, 20)  # the disc and its rims
GOLD_LIGHT, GOLD_DEEP = (255, 226, 122), (190, 120, 10)  # the star and its shadow
RIBBON_BLUE, RIBBON_RED, STRIPE = (52, 108, 208), (214, 62, 58), (245, 245, 250)
# Confetti: blue, magenta, green, red, purple, cyan (no gold: that is the medal's).
CONFETTI: tuple[RGB, ...] = ((52, 108, 208), (214, 62, 148), (36, 146, 74), (222, 74, 62))
CONFETTI += ((138, 78, 204), (42, 170, 200))
GREEN_INK, SPROUT_DISC, LEAF, STEM = (30, 104, 48), (214, 238, 206), (92, 178, 80), (50, 138, 62)
POT, POT_RIM = (206, 110, 72), (182, 92, 58)


def draw_success_card(step: str, day: str, worked: bool, letters: Lettering) -> Image.Image:
    """The medal and "Gelukt!" when `worked`, else a sprout and "Goed geprobeerd!"; under
    them her step on a card and `day` (as she should read it, e.g. "22 november 2026")."""
    step = typed(step, letters, "the step")
    day = typed(day, letters, "the day")
    canvas = warm_background(SUCCESS_W, SUCCESS_H)
    disc = (MIDDLE - DISC_R, DISC_Y - DISC_R, MIDDLE + DISC_R, DISC_Y + DISC_R)
    if worked:
        draw_confetti(canvas)
        draw_medal(canvas, disc)
    else:
        draw_sprout_in_pot(canvas, disc)
    words, ink = (SUCCESS_WORDS, TITLE_INK) if worked else (TRIED_WORDS, GREEN_INK)
    letters.text(canvas, words, (60, TITLE_TOP, SUCCESS_W - 60, TITLE_TOP + TITLE_H), TITLE_PX, ink)
    # Her step on a white card, the footprints on the left.
    text_x = CARD_X + CARD_PAD + BADGE + 24
    text_w = SUCCESS_W - CARD_X - CARD_PAD - text_x
    day_h = CALENDAR + 8
    room_top, room_bottom = TITLE_TOP + TITLE_H + 16, SUCCESS_H - 36
    most = room_bottom - room_top - 28 - day_h - 2 * CARD_PAD  # four lines must fit in here
    sizes = (
        tuple(s for s in STEP_SIZES if STEP_LINES * sum(letters.font(s).getmetrics()) <= most)
        or STEP_SIZES[-1:]
    )
    size, lines = fit_lines(letters, step, text_w, sizes, STEP_LINES)
    card_h = max(BADGE, len(lines) * sum(letters.font(size).getmetrics())) + 2 * CARD_PAD
    top = room_top + (room_bottom - room_top - card_h - 28 - day_h) // 2
    box = (CARD_X, top, SUCCESS_W - CARD_X, top + card_h)
    shadows(canvas, [box], 30, blur=8, strength=50)
    edge = GOLD_RIM if worked else STEM
    rounded(canvas, box, 30, edge)
    rounded(canvas, box, 26, WHITE, inset=4)
    badge_y = top + (card_h - BADGE) // 2
    badge = (CARD_X + CARD_PAD, badge_y, CARD_X + CARD_PAD + BADGE, badge_y + BADGE)
    ringed(canvas, badge, BADGE // 2, BADGE_INK if worked else STEM, BADGE // 2 + 3)
    shape(
        canvas, (badge[0] + 16, badge[1] + 13, badge[2] - 16, badge[3] - 13), WHITE, draw_footprints
    )
    draw_lines(canvas, lines, letters.font(size), (text_x, top, text_x + text_w, top + card_h), INK)
    # The date, with a little calendar before it.
    font = letters.font(DAY_PX)
    shown = letters.wrap(day, SUCCESS_W - 2 * CARD_X - CALENDAR - 20, DAY_PX, 1)[0][0]
    left = (SUCCESS_W - CALENDAR - 18 - int(font.getlength(shown))) // 2
    day_top = box[3] + 28
    paint_calendar(canvas, (left, day_top, left + CALENDAR, day_top + CALENDAR))
    draw = ImageDraw.Draw(canvas)
    draw.text((left + CALENDAR + 18, day_top + CALENDAR // 2 + 4), shown, TITLE_INK, font, "lm")
    return canvas


def draw_medal(canvas: Image.Image, disc: Box) -> None:
    """A gold medal on a ribbon that hangs from the top edge: a disc with a rim and a star."""
    x0, y0, x1, y1 = disc
    ribbon = (x0 - 40, 0, x1 + 40, (y0 + y1) // 2)
    for right, colour in ((True, RIBBON_RED), (False, RIBBON_BLUE)):
        shape(canvas, ribbon, colour, strap(right, 0.13))
        shape(canvas, ribbon, STRIPE, strap(right, 0.025))  # a light stripe on it
    shadows(canvas, [disc], DISC_R, blur=10, strength=70)
    rounded(canvas, disc, DISC_R, GOLD_RIM)
    rounded(canvas, disc, DISC_R - 14, GOLD, inset=14)
    rounded(canvas, disc, DISC_R - 30, GOLD_RIM, inset=30)
    rounded(canvas, disc, DISC_R - 34, GOLD, inset=34)
    star = (x0 + 58, y0 + 54, x1 - 58, y1 - 62)
    shape(canvas, (star[0] + 4, star[1] + 6, star[2] + 4, star[3] + 6), GOLD_DEEP, round_star)
    shape(canvas, star, GOLD_LIGHT, round_star)


def strap(right: bool, half: float) -> Shape:
    """A band 2 × `half` of the box wide (a strap of the ribbon, or the stripe on it),
    slanting from high on one side down to the middle."""
    top, bottom = (0.8, 0.58) if right else (0.2, 0.42)

    def band(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
        corners = [(top - half, 0), (top + half, 0), (bottom + half, h), (bottom - half, h)]
        draw.polygon([(w * x, y) for x, y in corners], 255)

    return band


def round_star(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A plump five-pointed star with softly rounded points."""
    points = []
    for i in range(10):
        r = (0.5 if i % 2 == 0 else 0.24) * min(w, h)
        angle = math.pi * i / 5
        points.append((w / 2 + r * math.sin(angle), h * 0.53 - r * math.cos(angle)))
    draw.polygon(points, 255)
    draw.line([*points, *points[:2]], 255, int(w * 0.06), joint="curve")  # round points


def draw_confetti(canvas: Image.Image) -> None:
    """Bright dots and little strips on both sides of the medal, the same every time."""
    chance = random.Random(22)
    keep_out = (MIDDLE - DISC_R - 150, MIDDLE + DISC_R + 150, DISC_Y + DISC_R + 20)
    spots: list[tuple[float, float]] = []
    while len(spots) < 44:
        x, y = chance.uniform(24, SUCCESS_W - 24), chance.uniform(20, TITLE_TOP + TITLE_H)
        title_row = y > TITLE_TOP - 10 and 140 < x < SUCCESS_W - 140
        by_medal = keep_out[0] < x < keep_out[1] and y < keep_out[2]
        crowded = any(math.hypot(x - sx, y - sy) < 46 for sx, sy in spots)
        if not (title_row or by_medal or crowded):
            spots.append((x, y))
    for n, (x, y) in enumerate(spots):
        turn = chance.uniform(0, math.pi)
        box = (int(x) - 16, int(y) - 16, int(x) + 16, int(y) + 16)
        colour = CONFETTI[chance.randrange(len(CONFETTI))]
        if n % 2:  # a dot
            shape(
                canvas,
                box,
                colour,
                lambda d, w, h: d.ellipse((w * 0.2, h * 0.2, w * 0.8, h * 0.8), 255),
            )
        else:  # a little strip, turned

            def strip(d: ImageDraw.ImageDraw, w: int, h: int, turn: float = turn) -> None:
                dx, dy = w * 0.42 * math.cos(turn), h * 0.42 * math.sin(turn)
                d.line([(w / 2 - dx, h / 2 - dy), (w / 2 + dx, h / 2 + dy)], 255, w // 4)

            shape(canvas, box, colour, strip)


def draw_sprout_in_pot(canvas: Image.Image, disc: Box) -> None:
    """A young sprout with two leaves in a flower pot, on a soft green disc."""
    x0, y0, x1, _ = disc
    rounded(canvas, disc, DISC_R, WHITE, inset=-4)
    rounded(canvas, disc, DISC_R, SPROUT_DISC)
    w = x1 - x0
    plant = (x0 + w // 5, y0 + 26, x1 - w // 5, y0 + w * 62 // 100)

    def stem(draw: ImageDraw.ImageDraw, pw: int, ph: int) -> None:
        line = [(pw * 0.5, ph), (pw * 0.5, ph * 0.55), (pw * 0.52, ph * 0.36)]
        draw.line(line, 255, int(pw * 0.09), joint="curve")

    def leaves(draw: ImageDraw.ImageDraw, pw: int, ph: int) -> None:
        draw.polygon(leaf(pw, ph, (0.48, 0.62), (0.02, 0.3), 0.26), 255)
        draw.polygon(leaf(pw, ph, (0.52, 0.4), (0.98, 0.06), 0.28), 255)

    shape(canvas, plant, STEM, stem)
    shape(canvas, plant, LEAF, leaves)
    pot_top = plant[3] - 4
    pot = (x0 + w * 30 // 100, pot_top, x1 - w * 30 // 100, y0 + w * 86 // 100)

    def body(draw: ImageDraw.ImageDraw, pw: int, ph: int) -> None:
        draw.polygon([(0, 0), (pw, 0), (pw * 0.84, ph), (pw * 0.16, ph)], 255)

    shape(canvas, pot, POT, body)
    rounded(canvas, (pot[0] - 10, pot_top - 4, pot[2] + 10, pot_top + 22), 8, POT_RIM)
