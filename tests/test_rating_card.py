"""The result picture of "Mijn ladder" and "Vier op een rij", found again in the pixels: a
row per competence in order, the pawn, the star and the coach's mark on their steps, the lit
light in its colour, an empty scale for an unanswered row; strict about what it is given."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image

from images import rating_card as rc
from images.drawing import Lettering
from images.layouts import TITLE_INK
from images.manifest import DEFAULT_MANIFEST, load_manifest
from images.rating_card import RatingRow, draw_rating_card
from tests.test_render import COLOURS, IDS, Box, count, near, where

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
PICTURES = {**COLOURS, "bruin": (140, 90, 40), "mint": (120, 230, 190)}
RED, ORANGE, GREEN = rc.LIGHTS


def paste(canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
    """A test picture: a square in the picture's own colour."""
    canvas.paste(PICTURES[pid], (x, y, x + size, y + size))


def drawn(rows: list[RatingRow], steps: int = 5, title: str = "Mijn ladder") -> Image.Image:
    image = draw_rating_card(rows, steps, title, LETTERS, paste)
    assert image.mode == "RGB" and image.width == 960
    return image


def row(pid: str, now: int | None, want: int | None = None, coach: int | None = None) -> RatingRow:
    return RatingRow(pid, pid.capitalize(), now, want, coach)


def bands(image: Image.Image, rows: list[RatingRow]) -> list[Box]:
    """The scale of each row: right of the labels, as tall as the row round its picture (in
    the column of pictures, left of the legend)."""
    found = []
    for r in rows:
        _, y0, _, y1 = where(near(image, PICTURES[r.picture]), (0, 0, rc.LABEL_X, image.height))
        middle = (y0 + y1) // 2
        found.append((rc.SCALE_LEFT, middle - rc.ROW_H // 2, image.width, middle + rc.ROW_H // 2))
    return found


def middle_x(box: Box) -> float:
    return (box[0] + box[2]) / 2


def step_of(x: float, steps: int) -> int:
    """On which step (1 = the lowest, on the left) `x` is."""
    share = (x - rc.SCALE_LEFT) / (rc.SCALE_RIGHT - rc.SCALE_LEFT)
    return int(share * steps) + 1


def pawn(image: Image.Image, band: Box) -> Box:
    return where(near(image, rc.NOW_INK, 24), band)


@pytest.mark.parametrize("steps", [3, 5])
def test_every_row_is_drawn_in_order_top_to_bottom(steps: int) -> None:
    rows = [row(pid, (i % steps) + 1) for i, pid in enumerate(IDS[:6])]
    image = drawn(rows, steps)
    column = (0, 0, rc.LABEL_X, image.height)
    spots = [where(near(image, COLOURS[r.picture]), column) for r in rows]
    for upper, lower in itertools.pairwise(spots):
        assert upper[3] < lower[1]  # each below the one before, apart
    assert all(count(near(image, COLOURS[r.picture]), column) > 10_000 for r in rows)
    assert all(100 <= spot[3] - spot[1] <= 120 for spot in spots)  # big enough to see
    # the title on top, in the warm brown of the dream page
    assert count(near(image, TITLE_INK, 40), (0, 0, image.width, spots[0][1])) > 800


def test_the_pawn_stands_on_the_step_of_now() -> None:
    rows = [row("rood", 1), row("blauw", 4), row("geel", 5), row("paars", 3)]
    image = drawn(rows)
    found = bands(image, rows)
    pawns = [pawn(image, band) for band in found]
    assert [step_of(middle_x(p), 5) for p in pawns] == [1, 4, 5, 3]
    low, four, _, _ = pawns
    assert middle_x(low) + 250 < middle_x(four)  # far apart: three steps
    feet = [p[3] - band[1] for p, band in zip(pawns, found, strict=True)]
    assert feet[2] < feet[1] < feet[0]  # standing higher on a higher step
    for p in pawns:  # a pawn is taller than wide, and big enough to see on a phone
        assert 30 < p[2] - p[0] < p[3] - p[1] < 70


def test_the_star_shows_where_she_wants_to_be() -> None:
    rows = [row("rood", 2, want=4), row("blauw", 3, want=3), row("geel", 4)]
    image = drawn(rows)
    more, same, none = bands(image, rows)
    star = where(near(image, rc.WANT_INK, 30), more)
    assert step_of(middle_x(star), 5) == 4 and middle_x(star) > middle_x(pawn(image, more)) + 150
    # on the same step both stay visible, side by side
    both_star, both_pawn = where(near(image, rc.WANT_INK, 30), same), pawn(image, same)
    assert step_of(middle_x(both_star), 5) == step_of(middle_x(both_pawn), 5) == 3
    assert both_pawn[2] <= both_star[0] or both_star[2] <= both_pawn[0]
    assert count(near(image, rc.WANT_INK, 30), same) > 500
    assert count(near(image, rc.WANT_INK, 30), none) == 0


def test_the_coach_mark_appears_only_when_given_on_her_step() -> None:
    rows = [row("rood", 2, want=4, coach=3), row("blauw", 2, want=4), row("geel", 5, 5, 5)]
    image = drawn(rows)
    coached, plain, all_three = bands(image, rows)
    purple = near(image, rc.COACH_INK, 30)
    assert step_of(middle_x(where(purple, coached)), 5) == 3
    assert count(purple, plain) == 0
    # one step for all three marks: the pawn, the star and the diamond all visible
    assert step_of(middle_x(where(purple, all_three)), 5) == 5
    assert count(near(image, rc.NOW_INK, 24), all_three) > 500
    assert count(near(image, rc.WANT_INK, 30), all_three) > 500
    # the legend names the coach only when there is a coach's rating
    above = (0, 0, image.width, coached[1])
    assert count(purple, above) > 200
    nobody = drawn(rows[1:2])
    assert count(near(nobody, rc.COACH_INK, 30)) == 0
    assert count(near(nobody, rc.NOW_INK, 24), (0, 0, 960, bands(nobody, rows[1:2])[0][1])) > 500


def test_the_lit_light_has_the_colour_of_the_rating() -> None:
    rows = [row("rood", 1), row("blauw", 3), row("geel", 2), row("paars", None)]
    image = drawn(rows, 3, "Vier op een rij")
    bad, good, so_so, unanswered = bands(image, rows)
    lit = [near(image, colour, 30) for colour in (RED, ORANGE, GREEN)]
    assert [count(mask, bad) > 3000 for mask in lit] == [True, False, False]
    assert [count(mask, good) > 3000 for mask in lit] == [False, False, True]
    assert [count(mask, so_so) > 3000 for mask in lit] == [False, True, False]
    assert all(count(mask, unanswered) < 50 for mask in lit)
    assert count(near(image, rc.DIM, 6), unanswered) > 1.3 * count(near(image, rc.DIM, 6), bad)
    # red on the left, green on the right
    assert middle_x(where(lit[0], bad)) < middle_x(where(lit[2], good))


def test_the_coach_light_is_ringed_and_the_want_is_ignored() -> None:
    rows = [row("rood", 1, want=3, coach=2), row("blauw", 1)]
    image = drawn(rows, 3)
    coached, plain = bands(image, rows)
    purple = near(image, rc.COACH_INK, 30)
    ring = where(purple, coached)
    assert step_of(middle_x(ring), 3) == 2 and ring[2] - ring[0] > rc.LIGHT  # round the light
    assert count(purple, plain) == 0
    assert count(near(image, rc.WANT_INK, 30), coached) == 0  # no star on a traffic light
    assert count(purple, (0, 0, image.width, coached[1])) > 200  # the legend explains it
    no_coach = drawn(rows[1:], 3)
    assert count(near(no_coach, rc.COACH_INK, 30)) == 0


def test_an_unanswered_row_has_no_pawn_and_a_grey_scale() -> None:
    rows = [row("rood", None), row("blauw", 2)]
    image = drawn(rows)
    empty, answered = bands(image, rows)
    assert count(near(image, rc.NOW_INK, 24), empty) == 0
    assert count(near(image, rc.NOW_INK, 24), answered) > 500
    assert count(near(image, rc.STEP_HIGH, 6), empty) == 0  # grey steps, not blue
    assert count(near(image, rc.EMPTY_HIGH, 6), empty) > 2000


def test_the_height_follows_the_rows() -> None:
    pids = list(PICTURES)
    heights = [drawn([row(pid, 3, 4, 2) for pid in pids[:n]]).height for n in (1, 6, 12)]
    assert heights[0] < heights[1] < heights[2] <= 2000
    assert drawn([row("rood", 3)], title="").height < drawn([row("rood", 3)]).height
    assert drawn([row("rood", 3)], 3).height < heights[0]  # no legend needed


@pytest.mark.parametrize(
    ("rows", "steps", "message"),
    [
        ([], 5, "1 to 12"),
        ([row(pid, 1) for pid in PICTURES] + [row("extra", 1)], 5, "1 to 12"),
        ([row("rood", 1)], 4, "3 or 5"),
        ([row("rood", 0)], 5, "now"),
        ([row("rood", 6)], 5, "now"),
        ([row("rood", 4)], 3, "now"),
        ([row("rood", 1, want=6)], 5, "want"),
        ([row("rood", 1, coach=4)], 3, "coach"),
        ([row("rood", None, coach=0)], 5, "coach"),
        ([row("rood", 1), row("rood", 2)], 5, "once"),
    ],
)
def test_wrong_input_raises(rows: list[RatingRow], steps: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_rating_card(rows, steps, "Mijn ladder", LETTERS, paste)


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_examples_with_real_pictures(tmp_path: Path) -> None:
    """Saves test-artifacts/rating_*.png to look at."""
    from images.render import PictureRenderer

    bank = load_manifest()
    renderer = PictureRenderer(bank, tmp_path)
    ids = [
        "quality_teamwork", "quality_on_time", "quality_precise", "quality_calm",
        "quality_persevere", "quality_listen", "quality_fast", "quality_tidy",
        "quality_numbers", "quality_patient", "quality_friendly", "quality_strong",
    ]  # fmt: skip
    values = [(2, 4, 3), (3, 3, 3), (1, 5, 2), (5, 5, 4), (None, None, None), (4, 2, 4)]
    values += [(2, 3, None), (3, 5, 5), (1, 2, 1), (4, 4, 3), (5, None, 2), (3, 4, None)]
    ladder = [RatingRow(p, bank.get(p).label, *v) for p, v in zip(ids, values, strict=True)]
    alone = [RatingRow(r.picture, r.label, r.now, r.want) for r in ladder[:5]]
    lights = [RatingRow(r.picture, r.label, r.now and (r.now + 1) // 2) for r in ladder[:7]]
    lights[0] = RatingRow(lights[0].picture, lights[0].label, 3, coach=2)
    examples = {"ladder": (ladder, 5), "ladder_alone": (alone, 5), "lights": (lights, 3)}
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (rows, steps) in examples.items():
        title = "Mijn ladder" if steps == 5 else "Vier op een rij"
        image = draw_rating_card(rows, steps, title, LETTERS, renderer._paste_picture)
        assert image.width == 960 and image.height <= 2000
        image.save(ARTIFACTS / f"rating_{name}.png")
