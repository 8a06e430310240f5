"""The Klokwijs picture "my day", found again in the pixels: every moment's pictures on its
card, the cards in the order of the day under the clock (a bedtime after midnight last), each
moment's dot at its hour on the rim, the night a dark arc at the bottom from bedtime to
getting up; strict about what it is given."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from images import day_clock as dc
from images.day_clock import Moment, draw_day_clock
from images.drawing import Lettering
from images.manifest import DEFAULT_MANIFEST, load_manifest
from tests.test_render import Box, count, near, where

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
# 24 test pictures, each a square in a colour of its own that nothing else in the drawing has.
PICTURES = {f"p{i}": (20 + 9 * i, 250 - 9 * i, (60 + 83 * i) % 256) for i in range(24)}
DAY = [
    Moment(7, "Opstaan", (("p0", "Gezin"), ("p1", "Dieren"))),
    Moment(9, "Naar mijn werk", (("p2", "Fiets"),)),
    Moment(12, "Pauze"),
    Moment(17, "Thuis", (("p3", "Muziek"), ("p4", "Sport"), ("p5", "Koken"))),
    Moment(22, "Slapen", (("p6", "Huis"),)),
]


def paste(canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
    """A test picture: a square in the picture's own colour."""
    canvas.paste(PICTURES[pid], (x, y, x + size, y + size))


def drawn(moments: list[Moment], title: str = "Mijn dag") -> Image.Image:
    image = draw_day_clock(moments, title, LETTERS, paste)
    assert image.mode == "RGB" and image.width == 960 and image.height <= 1800
    return image


def picture(image: Image.Image, pid: str) -> Box:
    return where(near(image, PICTURES[pid], 2))


def face(image: Image.Image) -> Box:
    """The clock face: where its light day and dark night are."""
    return where(ImageChops.lighter(near(image, dc.DAY_TINT, 3), near(image, dc.NIGHT, 3)))


def night(image: Image.Image, box: Box | None = None) -> int:
    return count(near(image, dc.NIGHT, 3), box)


def halves(box: Box, upright: bool = True) -> tuple[Box, Box]:
    """`box` cut in two: (top, bottom), or (left, right) when not `upright`."""
    x0, y0, x1, y1 = box
    if upright:
        return (x0, y0, x1, (y0 + y1) // 2), (x0, (y0 + y1) // 2, x1, y1)
    return (x0, y0, (x0 + x1) // 2, y1), ((x0 + x1) // 2, y0, x1, y1)


def with_bedtime(hour: int) -> list[Moment]:
    return [*DAY[:-1], Moment(hour, "Slapen", (("p6", "Huis"),))]


def test_every_moments_pictures_are_drawn_full_size() -> None:
    ids = iter(PICTURES)
    full = [
        Moment(hour, f"Moment {hour}", tuple((next(ids), "Label") for _ in range(4)))
        for hour in (6, 8, 12, 17, 20, 23)
    ]
    random.Random(3).shuffle(full)
    image = drawn(full)
    for pid in PICTURES:
        x0, y0, x1, y1 = picture(image, pid)
        assert x1 - x0 >= 80 and y1 - y0 >= 80, pid  # not a speck: 30 px on a phone at least
    for pid in ("p0", "p3", "p6"):  # a typical day has room for bigger pictures
        x0, _, x1, _ = picture(drawn(DAY), pid)
        assert x1 - x0 >= 110, pid


def test_cards_follow_the_day_from_top_to_bottom_under_the_clock() -> None:
    day = [*DAY[1:4], Moment(1, "Naar bed", (("p6", "Huis"),)), DAY[0]]  # bed after midnight
    image = drawn(day)
    tops = [picture(image, pid)[1] for pid in ("p0", "p2", "p3", "p6")]  # 7, 9, 17, 1 h
    assert tops == sorted(tops) and tops[0] > face(image)[3]
    plan = dc.plan_day(dc.day_order(day), "Mijn dag", LETTERS)
    for box, moment in zip(plan.boxes, dc.day_order(day), strict=True):
        for pid, _ in moment.pictures:  # each picture inside the card of its moment
            x0, y0, x1, y1 = picture(image, pid)
            assert box[0] < x0 and box[1] < y0 and x1 < box[2] and y1 < box[3], pid


def test_cards_do_not_overlap_each_other_or_the_dial() -> None:
    full = [Moment(h, "Iets met veel woorden om te lezen") for h in (5, 6, 7, 13, 14, 15)]
    for day in (DAY, full, DAY[:1]):
        image = drawn(day)
        plan = dc.plan_day(dc.day_order(day), "Mijn dag", LETTERS)
        below_dial = plan.centre[1] + plan.radius + dc.DOT_R
        assert face(image)[3] <= below_dial < plan.boxes[0][1]
        for (_, _, _, bottom), (_, next_top, _, _) in itertools.pairwise(plan.boxes):
            assert bottom < next_top
        assert plan.boxes[-1][3] < image.height
        for i, box in enumerate(plan.boxes):  # each card is drawn in its own tint
            assert count(near(image, dc.MOMENT_COLOURS[i][1], 2), box) > 10_000, i


def test_each_moment_has_a_dot_at_its_hour_on_the_rim() -> None:
    image = drawn(DAY)
    plan = dc.plan_day(dc.day_order(DAY), "Mijn dag", LETTERS)
    cx, cy = plan.centre
    for i, moment in enumerate(dc.day_order(DAY)):
        x, y = (round(v) for v in dc.at(cx, cy, plan.radius, moment.hour))
        dot = (x - dc.DOT_R, y - dc.DOT_R, x + dc.DOT_R, y + dc.DOT_R)
        assert count(near(image, dc.MOMENT_COLOURS[i][0], 4), dot) > 1200, moment.hour
    # getting up (7 h) on the left, noon on top, bedtime (22 h) on the lower right
    ups = [dc.at(cx, cy, plan.radius, hour) for hour in (7, 12, 22)]
    assert ups[0][0] < cx - 0.9 * plan.radius and ups[1][1] < cy - 0.9 * plan.radius
    assert ups[2][0] > cx and ups[2][1] > cy


def test_the_night_is_a_dark_arc_at_the_bottom_that_grows_with_an_earlier_bedtime() -> None:
    image = drawn(DAY)  # 7 h to 22 h: the night is 22 h → 7 h, round midnight at the bottom
    dial = face(image)
    top, bottom = halves(dial)
    assert night(image, bottom) > 40_000 and 5 * night(image, top) < night(image, bottom)
    assert count(near(image, dc.DAY_TINT, 3), top) > 40_000  # the day is light
    assert count(near(image, dc.SUN, 4), top) > 1000  # with the sun in it
    assert count(near(image, dc.MOON, 4), bottom) > 500  # and the moon in the night
    sizes = [night(drawn(with_bedtime(hour))) for hour in (1, 23, 22, 20)]
    assert sizes == sorted(sizes) and sizes[-1] > 1.3 * sizes[1]


def test_a_bedtime_after_midnight_counts_as_the_end_of_the_day() -> None:
    image = drawn([Moment(13, "Werk"), Moment(1, "Slapen"), Moment(8, "Opstaan")])
    dial = face(image)
    left, right = halves(dial, upright=False)
    assert night(image, left) > 20 * night(image, right)  # 1 h → 8 h: bottom left only
    order = dc.day_order([Moment(1, "Slapen"), Moment(4, "Opstaan"), Moment(3, "Laat")])
    assert [m.hour for m in order] == [4, 1, 3]  # the day starts at 4 h


def test_one_moment_has_no_night() -> None:
    image = drawn([Moment(7, "Opstaan", (("p0", "Gezin"),))], title="")
    assert night(image) < 100
    assert picture(image, "p0")[1] > face(image)[3]
    assert drawn(DAY[:1], title="").height < drawn(DAY[:1]).height  # no title, no room for it


@pytest.mark.parametrize(
    ("moments", "message"),
    [
        ([], "1 to 6"),
        ([Moment(h, "Iets") for h in range(7)], "1 to 6"),
        ([Moment(24, "Slapen")], "0 to 23"),
        ([Moment(-1, "Slapen")], "0 to 23"),
        ([Moment(8, "Werk", tuple((f"p{i}", "Iets") for i in range(5)))], "at most 4"),
        ([Moment(8, "Werk"), Moment(8, "Pauze")], "same hour"),
    ],
)
def test_wrong_input_raises(moments: list[Moment], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_day_clock(moments, "Mijn dag", LETTERS, paste)


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_examples_with_real_pictures(tmp_path: Path) -> None:
    """Saves test-artifacts/day_*.png to look at."""
    from images.render import PictureRenderer

    bank = load_manifest()
    renderer = PictureRenderer(bank, tmp_path)

    def moment(hour: int, words: str, *ids: str) -> Moment:
        return Moment(hour, words, tuple((pid, bank.get(pid).label) for pid in ids))

    examples = {
        "typical": [
            moment(7, "Opstaan", "family", "children", "animals"),
            moment(8, "Naar mijn werk", "bicycle"),
            moment(12, "Pauze", "friends", "rest"),
            moment(17, "Thuis", "music", "sport", "cook_home"),
            moment(22, "Slapen", "home"),
        ],
        "full": [
            moment(6, "Opstaan", "family", "children", "animals", "love"),
            moment(1, "Naar bed", "home", "rest", "phone", "music"),
            moment(8, "Naar mijn werk", "bicycle", "car", "work_kitchen", "work_garden"),
            moment(12, "Pauze met collega's", "friends", "rest", "cook_home", "phone"),
            moment(17, "Thuis komen", "music", "sport", "swimming", "party"),
            moment(20, "Avond", "own_time", "friends", "health", "learn"),
        ],
        "short": [moment(9, "Opstaan"), moment(14, "Werk", "work_care"), moment(20, "Slapen")],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, moments in examples.items():
        title = "" if name == "short" else "Mijn dag"
        image = draw_day_clock(moments, title, LETTERS, renderer._paste_picture)
        assert image.width == 960 and image.height <= 1800
        image.save(ARTIFACTS / f"day_{name}.png")
