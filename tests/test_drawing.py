"""The shared drawing helpers: line breaks, fitted and wrapped text, rounded cards, badges,
shadows and the drawn shapes."""

from __future__ import annotations

import pytest
from PIL import Image

from images import drawing
from images.drawing import SOFT_HYPHEN, Lettering, line_options

Pixel = tuple[int, int, int]
GREY: Pixel = (100, 100, 100)


@pytest.fixture
def letters() -> Lettering:
    return Lettering()


def pixel(image: Image.Image, x: int, y: int) -> Pixel:
    r, g, b = image.getpixel((x, y))  # type: ignore[misc]
    return r, g, b


# -- line breaks and text ---------------------------------------------------------------


def test_line_options_start_with_one_line_then_every_break() -> None:
    assert line_options("Koken en bakken") == [
        ["Koken en bakken"],
        ["Koken", "en bakken"],
        ["Koken en", "bakken"],
    ]
    assert line_options("Zelf-standig") == [["Zelf-standig"], ["Zelf-", "standig"]]
    soft = f"Computer{SOFT_HYPHEN}vaardigheden"
    assert line_options(soft) == [["Computervaardigheden"], ["Computer-", "vaardigheden"]]
    assert line_options("Huis") == [["Huis"]]


def test_fonts_are_loaded_once_per_size(letters: Lettering) -> None:
    assert letters.font(36) is letters.font(36)
    assert letters.font(36).size == 36 and letters.font(20).size == 20
    assert letters.font(36).path == str(drawing.FONT_PATH)


def test_fit_prefers_one_big_line_and_breaks_a_long_label(letters: Lettering) -> None:
    assert letters.fit("Huis", 300, 38) == (38, ["Huis"])
    size, lines = letters.fit("Computer\u00advaardigheden", 200, 38)
    assert lines == ["Computer-", "vaardigheden"] and 12 <= size <= 38
    assert all(letters.font(size).getlength(line) <= 200 for line in lines)
    # what cannot fit even at 12 px on two lines is cut, ending in "…"
    size, (line,) = letters.fit("Onuitsprekelijkheden" * 4, 60, 38)
    assert size == 12 and line.endswith("…") and letters.font(12).getlength(line) <= 60


def test_lines_height_and_label_size_follow_the_fitted_lines(letters: Lettering) -> None:
    one = letters.lines_height("Huis", 300, 38)
    two = letters.lines_height("Koken en bakken met de buren", 200, 38)
    assert one == sum(letters.font(38).getmetrics())
    assert one < two
    size, height = letters.label_size(["Huis", "Koken en bakken met de buren"], 200, 40)
    assert 30 <= size <= 40 and height > one


def test_wrap_breaks_at_spaces_and_ends_a_cut_in_an_ellipsis(letters: Lettering) -> None:
    assert letters.wrap("Kort", 400, 36) == (["Kort"], False)
    assert letters.wrap(f"Computer{SOFT_HYPHEN}les", 400, 36) == (["Computerles"], False)
    long = "Elke dag met de fiets naar het werk rijden, ook als het regent"
    lines, cut = letters.wrap(long, 300, 36)
    assert cut and len(lines) == 2 and lines[-1].endswith("…")
    assert not lines[-1].endswith(" …") and not lines[-1].endswith(",…")
    assert all(letters.font(36).getlength(line) <= 300 for line in lines)
    (only,), cut = letters.wrap(long, 300, 36, most=1)
    assert cut and only.endswith("…")
    one_word, _ = letters.wrap("Computervaardigheden" * 3, 300, 36)
    assert len(one_word) == 2 and one_word[-1].endswith("…")


def test_text_is_centred_in_its_box(letters: Lettering) -> None:
    canvas = Image.new("RGB", (400, 100), (255, 255, 255))
    letters.text(canvas, "Huis", (0, 0, 400, 100), 40, (0, 0, 0))
    box = canvas.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None
    assert abs((box[0] + box[2]) / 2 - 200) < 4 and abs((box[1] + box[3]) / 2 - 50) < 8


# -- shapes -------------------------------------------------------------------------------


def test_rounded_leaves_its_corners_and_fills_the_rest() -> None:
    canvas = Image.new("RGB", (100, 100), GREY)
    drawing.rounded(canvas, (10, 10, 90, 90), 20, drawing.NUMBER)
    assert pixel(canvas, 50, 50) == drawing.NUMBER
    assert pixel(canvas, 11, 50) == drawing.NUMBER and pixel(canvas, 50, 88) == drawing.NUMBER
    assert pixel(canvas, 11, 11) == GREY  # a round corner
    assert pixel(canvas, 9, 50) == GREY  # nothing outside the box
    drawing.rounded(canvas, (10, 10, 90, 90), 20, drawing.WHITE, inset=-5)
    assert pixel(canvas, 7, 50) == drawing.WHITE  # a negative inset grows it


def test_card_and_ringed_badge() -> None:
    canvas = Image.new("RGB", (100, 100), GREY)
    drawing.card(canvas, (10, 10, 90, 90), 20, border=4)
    assert pixel(canvas, 11, 50) == drawing.CARD_EDGE and pixel(canvas, 50, 50) == drawing.WHITE
    badge = Image.new("RGB", (100, 100), GREY)
    drawing.ringed(badge, (20, 20, 80, 80), 10, drawing.GREEN, 13)
    assert pixel(badge, 50, 50) == drawing.GREEN
    assert pixel(badge, 18, 50) == drawing.WHITE  # the ring, outside the box
    assert pixel(badge, 15, 50) == GREY


def test_tick_is_white_on_its_badge() -> None:
    canvas = Image.new("RGB", (62, 62), drawing.GREEN)
    drawing.shape(canvas, (0, 0, 62, 62), drawing.WHITE, drawing.draw_tick)
    whites = canvas.convert("L").point(lambda v: 255 if v > 240 else 0)
    assert 150 < whites.histogram()[255] < 62 * 62 // 2
    assert pixel(canvas, 2, 2) == drawing.GREEN  # the corners stay green


@pytest.mark.parametrize("shape", [drawing.draw_star, drawing.draw_calendar])
def test_drawn_shapes_stay_inside_their_box(shape: drawing.Shape) -> None:
    canvas = Image.new("RGB", (100, 100), GREY)
    drawing.shape(canvas, (20, 20, 80, 80), drawing.NUMBER, shape)
    changed = canvas.convert("L").point(lambda v: 255 if v != 100 else 0).getbbox()
    assert changed is not None
    assert changed[0] >= 20 and changed[1] >= 20 and changed[2] <= 80 and changed[3] <= 80
    assert changed[2] - changed[0] > 40 and changed[3] - changed[1] > 40


def test_shadows_darken_just_below_a_card() -> None:
    canvas = Image.new("RGB", (120, 120), drawing.BACKGROUND)
    drawing.shadows(canvas, [(20, 20, 100, 100)], 10)
    below, far = pixel(canvas, 60, 102), pixel(canvas, 60, 118)
    assert sum(below) < sum(drawing.BACKGROUND) - 30
    assert sum(far) > sum(below)
