"""The mini-POP's picture after the day of her step, found again in the pixels: a gold medal
among confetti over "Gelukt!" only when it worked, a sprout over "Goed geprobeerd!" when it
did not; her step (four lines at most, no emoji boxes) and the date on both; always the same
size and light enough to send; empty words raise."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from images import success_card as sc
from images.drawing import INK, Lettering
from images.layouts import TITLE_INK
from images.render import JPEG_QUALITY
from images.step_card import PAGE_RED
from images.success_card import SUCCESS_WORDS, TRIED_WORDS, draw_success_card
from tests.test_render import Box, count, near, where
from tests.test_step_card import LONG, text_lines

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
STEP, DAY = "Ik vraag mijn zus om hulp bij mijn cv.", "22 november 2026"


def drawn(worked: bool, step: str = STEP, day: str = DAY) -> Image.Image:
    image = draw_success_card(step, day, worked, LETTERS)
    assert image.mode == "RGB" and image.size == (960, 960)
    return image


def step_card(image: Image.Image) -> Box:
    """Where the white card with her step is: the rows that are white nearly all across."""
    white = near(image, (255, 255, 255), 2)
    rows = [y for y in range(image.height) if count(white, (0, y, 960, y + 1)) > 700]
    return where(white, (0, rows[0], 960, rows[-1] + 1))


def test_the_gold_medal_only_when_it_worked() -> None:
    worked, tried = drawn(True), drawn(False)
    gold = near(worked, sc.GOLD, 12)
    medal = where(gold)
    assert count(gold) > 20_000  # a big medal, not a speck
    assert abs((medal[0] + medal[2]) / 2 - 480) < 20 and medal[3] < 420  # on top, in the middle
    assert 230 < medal[2] - medal[0] < 300  # round
    assert count(near(worked, sc.GOLD_LIGHT, 10), medal) > 3000  # the star on it
    ribbon = (0, 0, 960, medal[1])
    assert count(near(worked, sc.RIBBON_BLUE, 12), ribbon) > 2000
    assert count(near(worked, sc.RIBBON_RED, 12), ribbon) > 2000
    for colour in (sc.GOLD, sc.GOLD_LIGHT, sc.RIBBON_BLUE):
        assert count(near(tried, colour, 12)) < 20, colour


def test_a_sprout_only_when_it_did_not_work() -> None:
    worked, tried = drawn(True), drawn(False)
    leaves = near(tried, sc.LEAF, 10)
    assert count(leaves) > 4000
    plant = where(leaves)
    assert abs((plant[0] + plant[2]) / 2 - 480) < 40 and plant[3] < 420
    assert count(near(tried, sc.POT, 10)) > 3000
    assert count(near(worked, sc.LEAF, 10)) < 50


def test_the_two_variants_differ_in_words_colours_and_confetti() -> None:
    worked, tried = drawn(True), drawn(False)
    assert ImageChops.difference(worked, tried).getbbox() is not None
    title = (0, sc.TITLE_TOP, 960, sc.TITLE_TOP + sc.TITLE_H)
    assert count(near(worked, TITLE_INK, 20), title) > 3000
    assert count(near(tried, sc.GREEN_INK, 20), title) > 3000
    assert count(near(tried, TITLE_INK, 20), title) < 50
    # the longer words are wider on the picture
    assert where(near(tried, sc.GREEN_INK, 20), title)[2] > where(near(worked, TITLE_INK, 20))[2]
    sides = [(0, 0, 300, 520), (660, 0, 960, 520)]  # left and right of the medal
    for box in sides:
        confetti = sum(count(near(worked, colour, 8), box) for colour in sc.CONFETTI)
        assert confetti > 2000
        assert sum(count(near(tried, colour, 8), box) for colour in sc.CONFETTI) == 0
    assert SUCCESS_WORDS == "Gelukt!" and TRIED_WORDS == "Goed geprobeerd!"


def test_her_step_and_the_date_are_on_both() -> None:
    for worked in (True, False):
        image = drawn(worked)
        card = step_card(image)
        assert card[2] - card[0] > 800 and card[1] > sc.TITLE_TOP + sc.TITLE_H
        assert text_lines(image, card) == 2
        calendar = where(near(image, PAGE_RED, 10), (0, card[3], 960, 960))
        assert calendar[1] > card[3] + 10 and calendar[3] < 940  # the date under the card
        date_row = (calendar[2], calendar[1], 960, calendar[1] + 70)  # beside the calendar
        assert count(near(image, TITLE_INK, 30), date_row) > 1500


def test_a_long_step_stops_at_four_lines_and_the_size_stays() -> None:
    short, long, longer = drawn(True, "Bellen"), drawn(True, LONG), drawn(True, LONG * 5)
    assert text_lines(short, step_card(short)) == 1
    assert text_lines(long, step_card(long)) == 4
    assert ImageChops.difference(long, longer).getbbox() is None
    card = step_card(longer)
    assert count(near(longer, INK, 40), (0, card[3], 960, 960)) < 50  # nothing spills below


def test_emoji_are_left_out_not_drawn_as_boxes() -> None:
    for worked in (True, False):
        plain = drawn(worked, "Bellen", "3 december 2026")
        with_emoji = drawn(worked, "Bellen 📞", "3 december 2026 🎉")
        assert ImageChops.difference(plain, with_emoji).getbbox() is None


def test_light_enough_to_send() -> None:
    for worked in (True, False):
        out = io.BytesIO()
        drawn(worked, LONG).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        assert out.tell() < 120_000, worked


@pytest.mark.parametrize(
    ("step", "day", "message"),
    [("", DAY, "step"), ("  ", DAY, "step"), ("🎉", DAY, "step"), (STEP, "", "day")],
)
def test_empty_words_raise(step: str, day: str, message: str) -> None:
    for worked in (True, False):
        with pytest.raises(ValueError, match=message):
            draw_success_card(step, day, worked, LETTERS)


def test_examples() -> None:
    """Saves test-artifacts/success_*.png to look at."""
    examples = {
        "worked": (STEP, DAY, True),
        "tried": (STEP, DAY, False),
        "long": (LONG, "3 december 2026", True),
        "short": ("Bellen 📞", "Woensdag 2 december 2026", False),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (step, day, worked) in examples.items():
        drawn(worked, step, day).save(ARTIFACTS / f"success_{name}.png")
