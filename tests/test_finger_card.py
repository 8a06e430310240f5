"""The picture before each HAND question, found again in the pixels: the asked finger in its
own colour at its own place (thumb left … little finger right) on a pale hand, the question
in big letters under the hand, five different pictures of one size; strict about the finger."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from images import finger_card as fc
from images import hand_card as hc
from images.drawing import INK, Lettering
from images.finger_card import FINGER_QUESTIONS, draw_finger_card
from tests.test_render import count, near, where

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
FINGERS = range(1, 6)


@pytest.fixture(scope="module")
def cards() -> dict[int, Image.Image]:
    return {finger: draw_finger_card(finger, LETTERS) for finger in FINGERS}


def hand_part(image: Image.Image) -> tuple[int, int, int, int]:
    """Everything above the question's card."""
    return 0, 0, image.width, fc.CARD_TOP


def test_the_asked_finger_is_in_its_colour_at_its_place(cards: dict[int, Image.Image]) -> None:
    middles, tops = [], []
    for finger, image in cards.items():
        accent = near(image, hc.ACCENTS[finger - 1], 12)
        assert count(accent, hand_part(image)) > 10_000, "a whole finger (and badge), not a ring"
        x0, y0, x1, _ = where(accent, hand_part(image))
        middles.append((x0 + x1) / 2)
        tops.append(y0)
        # the finger itself, near its tip, is in its colour
        tip_x, tip_y = hc.DIGITS[finger - 1].at(0.85)
        spot = (round(fc.HAND_X + tip_x * fc.UNIT), round(fc.HAND_TOP + tip_y * fc.UNIT))
        assert near(image, hc.ACCENTS[finger - 1], 12).getpixel(spot) == 255, finger
        for other in set(FINGERS) - {finger}:  # the other fingers keep no colour
            assert count(near(image, hc.ACCENTS[other - 1], 12), hand_part(image)) < 30
        assert count(near(image, hc.SKIN, 6)) < 30, "the rest of the hand is paler"
    assert middles == sorted(middles), "thumb left … little finger right"
    assert middles[0] < cards[1].width * 0.35 and middles[4] > cards[5].width * 0.6
    assert min(tops) == tops[2], "the middle finger reaches highest"


def test_the_question_is_under_the_hand_in_big_letters(cards: dict[int, Image.Image]) -> None:
    for finger, image in cards.items():
        hand = where(near(image, fc.pale(hc.SKIN), 6))
        text = where(near(image, INK, 40))
        assert text[1] > hand[3], "the words start under the hand"
        assert count(near(image, INK, 40), (0, hand[3], image.width, image.height)) > 8000
        assert (text[0] + text[2]) / 2 == pytest.approx(image.width / 2, abs=20)
        # the card's edge is in the finger's colour too
        edge = near(image, hc.ACCENTS[finger - 1], 12)
        assert count(edge, (0, fc.CARD_TOP, image.width, image.height)) > 6000
    for question in FINGER_QUESTIONS:
        size, lines = fc.question(question, LETTERS)
        assert size * 360 / fc.WIDTH >= 30, "at least 30 px on a phone 360 px wide"
        assert " ".join(lines) == question and len(lines) <= fc.QUESTION_LINES
    assert fc.question("Waar ben je goed in?", LETTERS)[1] == ["Waar ben je", "goed in?"]


def test_the_five_pictures_differ_but_have_one_size(cards: dict[int, Image.Image]) -> None:
    for image in cards.values():
        assert image.mode == "RGB" and image.size == cards[1].size
        assert image.width == 720 and image.height < 1000
    for a in FINGERS:
        for b in range(a + 1, 6):
            assert ImageChops.difference(cards[a], cards[b]).getbbox() is not None, (a, b)
    assert ImageChops.difference(draw_finger_card(3, LETTERS), cards[3]).getbbox() is None


@pytest.mark.parametrize("finger", [0, 6, -1, 10])
def test_a_wrong_finger_raises(finger: int) -> None:
    with pytest.raises(ValueError, match="finger"):
        draw_finger_card(finger, LETTERS)


def test_examples(cards: dict[int, Image.Image]) -> None:
    """Saves test-artifacts/finger_1..5.png to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for finger, image in cards.items():
        image.save(ARTIFACTS / f"finger_{finger}.png")
