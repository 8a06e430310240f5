"""The mini-POP's "Mijn kleine stap", found again in the pixels: her theme's picture on top,
her step on the sunny card below it with the footprints, the calendar and the helper (or a
drawn person) at the bottom; a long step stops at four lines; emoji are left out, not drawn
as boxes; empty words raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from images import step_card as sc
from images.drawing import INK, WHITE, Lettering
from images.manifest import DEFAULT_MANIFEST, load_manifest
from images.step_card import Pic, draw_step_card
from tests.test_render import COLOURS, Box, count, near, where

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
THEME, HELPER = ("blauw", "Kantoor"), ("paars", "Gezin")
QUESTION, STEP = "Hoe maak ik een cv?", "Ik vraag mijn zus om hulp bij mijn cv."
LONG = (
    "Ik ga samen met mijn moeder naar de bibliotheek en daar zoeken we op de computer naar "
    "vacatures voor werk in de zorg, en dan schrijf ik een brief aan de werkgever"
)


def paste(canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
    """A test picture: a square in the picture's own colour."""
    canvas.paste(COLOURS[pid], (x, y, x + size, y + size))


def drawn(
    step: str = STEP,
    helper: Pic | None = HELPER,
    question: str = QUESTION,
    when: str = "Morgen",
    theme: Pic = THEME,
) -> Image.Image:
    image = draw_step_card(theme, question, step, when, helper, LETTERS, paste)
    assert image.mode == "RGB" and image.width == 960 and image.height <= 1300
    return image


def step_box(image: Image.Image) -> Box:
    """Where the sunny card of the step is."""
    return where(near(image, sc.STEP_FILL, 6))


def text_lines(image: Image.Image, box: Box) -> int:
    """How many lines of dark letters there are in `box` (bands of rows with ink in them)."""
    ink = near(image, INK, 40).crop(box)
    rows = [count(ink, (0, y, ink.width, y + 1)) > 0 for y in range(ink.height)]
    return sum(1 for y, inked in enumerate(rows) if inked and (y == 0 or not rows[y - 1]))


def test_theme_on_top_step_in_the_middle_helper_at_the_bottom() -> None:
    image = drawn()
    step = step_box(image)
    theme, helper = where(near(image, COLOURS["blauw"], 6)), where(near(image, COLOURS["paars"], 6))
    assert theme[3] < step[1] and theme[2] < image.width / 3  # top left, above the step
    assert helper[1] > step[3] and helper[0] > image.width / 2  # bottom right, below the step
    for spot in (theme, helper):
        assert spot[2] - spot[0] >= 140, "pictures big enough to see on a phone"
    assert step[2] - step[0] > 0.9 * image.width  # the step spans the width
    # the question in dark letters beside the theme's picture, in the same white card
    assert text_lines(image, (theme[2] + 20, theme[1], image.width - 40, theme[3])) == 1
    # the calendar's red band in the bottom left box
    calendar = where(near(image, sc.PAGE_RED, 10))
    assert calendar[1] > step[3] and calendar[2] < image.width / 2


def test_the_step_has_drawn_footprints_on_an_orange_disc() -> None:
    image = drawn()
    step = step_box(image)
    badge = where(near(image, sc.BADGE_INK, 12), step)
    assert 120 < badge[2] - badge[0] < 145 and 120 < badge[3] - badge[1] < 145  # round, big
    assert badge[0] < step[0] + 80  # on the left of the card
    feet = count(near(image, WHITE, 30), badge)
    assert 1500 < feet < 0.4 * (badge[2] - badge[0]) ** 2  # a white shape, not a white disc


def test_without_a_helper_a_drawn_person_says_ikzelf() -> None:
    alone, helped = drawn(helper=None), drawn()
    step = step_box(alone)
    bottom_right = (alone.width // 2, step[3], alone.width, alone.height)
    assert count(near(alone, sc.PERSON, 10), bottom_right) > 3000
    assert count(near(alone, sc.PERSON_DISC, 6), bottom_right) > 3000
    assert count(near(helped, sc.PERSON, 10)) < 50
    assert count(near(alone, COLOURS["paars"], 30)) == 0
    assert alone.height == helped.height  # "Ikzelf" in the helper's place
    labels = (alone.width // 2, alone.height - 110, alone.width, alone.height - 30)
    assert ImageChops.difference(alone.crop(labels), helped.crop(labels)).getbbox() is not None


def test_a_long_step_stops_at_four_lines() -> None:
    short, two, long, longer = drawn("Bellen"), drawn(), drawn(LONG), drawn(LONG * 4)
    assert short.height == two.height  # the footprints' disc sets the smallest card
    assert two.height < long.height
    assert long.height == longer.height and step_box(long) == step_box(longer)
    for image, lines in ((short, 1), (two, 2), (long, 4), (longer, 4)):
        assert text_lines(image, step_box(image)) == lines
    assert longer.height <= 1200


def test_emoji_are_left_out_not_drawn_as_boxes() -> None:
    plain = drawn("Bellen", question="Welk werk past bij mij?", when="Woensdag")
    with_emoji = drawn("Bellen 📞", question="Welk werk 💼 past bij mij?", when="Woensdag 🗓️")
    assert ImageChops.difference(plain, with_emoji).getbbox() is None


@pytest.mark.parametrize(
    ("step", "question", "when", "message"),
    [
        ("", QUESTION, "Morgen", "step"),
        ("   ", QUESTION, "Morgen", "step"),
        ("📞👍🏽", QUESTION, "Morgen", "step"),
        (STEP, "", "Morgen", "question"),
        (STEP, QUESTION, " ", "day"),
    ],
)
def test_empty_words_raise(step: str, question: str, when: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        drawn(step, question=question, when=when)


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_examples_with_real_pictures(tmp_path: Path) -> None:
    """Saves test-artifacts/step_*.png to look at."""
    from images.render import PictureRenderer

    bank = load_manifest()
    renderer = PictureRenderer(bank, tmp_path)

    def real(pid: str) -> Pic:
        return pid, bank.get(pid).label

    examples: dict[str, tuple[Pic, str, str, str, Pic | None]] = {
        "typical": (real("work_office"), QUESTION, STEP, "Morgen", real("family")),
        "alone": (real("learn"), "Welke cursus past bij mij? 📚", "Bellen 📞", "Woensdag", None),
        "long": (
            real("small_writing"),
            "Hoe schrijf ik een goede brief aan een werkgever die ik leuk vind?",
            LONG,
            "Vandaag",
            real("live_parents"),
        ),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (theme, question, step, when, helper) in examples.items():
        image = draw_step_card(
            theme, question, step, when, helper, LETTERS, renderer._paste_picture
        )
        assert image.width == 960 and image.height <= 1300
        image.save(ARTIFACTS / f"step_{name}.png")
