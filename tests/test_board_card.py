"""The Praatplaat's board, found again in the pixels: the dream job in the middle of a round
board, the conditions on cards round it (clockwise from the top, spread, never overlapping,
labels big enough to read), each joined to the dream job by a thick line drawn under the
cards; the strip of reasons under the board only when there are some; strict about what it
is given. Saves test-artifacts/board_*.png to look at."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from PIL import Image

from images import board_card as bc
from images.board_card import MAX_AROUND, MAX_BELOW, Pic, Point, draw_board
from images.drawing import ACCENT, INK, SHADOW, WHITE, Lettering
from images.layouts import GLOW, GOLD, PASTELS, TITLE_INK, WARM_BOTTOM, WARM_TOP
from images.manifest import DEFAULT_MANIFEST, load_manifest
from tests.test_render import Box, count, near, where

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
TITLE, WORDS = "Mijn droomjob", "Daarom wil ik werken"
DRAWN = [WHITE, INK, SHADOW, ACCENT, GOLD, GLOW, TITLE_INK, WARM_TOP, WARM_BOTTOM, *PASTELS]
DRAWN += [bc.LINE, bc.BOARD_TINT, bc.BOARD_EDGE, bc.TRACK, bc.CENTRE_STRIP]
DRAWN += [bc.STRIP_TINT, bc.STRIP_EDGE]


def far_from_drawn(colour: tuple[int, int, int]) -> bool:
    return all(max(abs(c - d) for c, d in zip(colour, other, strict=True)) > 50 for other in DRAWN)


# Test pictures: squares, each in a colour of its own that nothing else in the drawing has.
LEVELS = (0, 80, 160, 240)
COLOURS = [
    c for c in itertools.product(LEVELS, LEVELS, LEVELS) if len(set(c)) > 1 and far_from_drawn(c)
]
PICTURES = {f"p{i}": colour for i, colour in enumerate(COLOURS[: 1 + MAX_AROUND + MAX_BELOW])}
CONDITIONS = ["Binnen", "Met mensen", "Met machines", "Één dag", "Nachtwerk", "Fiets"]
CONDITIONS += ["Computer\u00advaardigheden", "Halftijds"]


def paste(canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
    """A test picture: a square in the picture's own colour."""
    canvas.paste(PICTURES[pid], (x, y, x + size, y + size))


def pictures(first: int, n: int) -> list[Pic]:
    ids = [f"p{i}" for i in range(first, first + n)]
    return [(pid, CONDITIONS[i % len(CONDITIONS)]) for i, pid in enumerate(ids)]


def drawn(around: int, below: int = 0, title: str = TITLE, name: str = "") -> Image.Image:
    """A board with `around` conditions and `below` reasons (p0 is the dream job)."""
    centre = ("p0", "Keuken")
    image = draw_board(
        centre, pictures(1, around), pictures(1 + around, below), WORDS, title, LETTERS, paste
    )
    assert image.mode == "RGB" and image.width == 960
    if name:
        ARTIFACTS.mkdir(exist_ok=True)
        image.save(ARTIFACTS / f"board_{name}.png")
    return image


def spot(image: Image.Image, pid: str) -> Box:
    """Where a test picture is."""
    mask = near(image, PICTURES[pid], 4)
    return where(mask, mask.getbbox())  # (looking only round it is quicker)


def cards(image: Image.Image, n: int) -> list[Box]:
    """Where the cards of the conditions p1…pn are: a picture on white, over a label on a
    pastel strip (the colours take turns)."""
    found = []
    for i in range(1, n + 1):
        pic = spot(image, f"p{i}")
        room = (pic[0] - 40, pic[1], pic[2] + 40, pic[3] + 150)
        strip = where(near(image, PASTELS[(i - 1) % len(PASTELS)], 2), room)
        pad = pic[0] - strip[0]  # (both found 2 px in from their edges)
        found.append((strip[0] - 2, pic[1] - 2 - pad, strip[2] + 2, strip[3] + 2))
    return found


def middle(box: Box) -> Point:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def turn(centre: Point, point: Point) -> float:
    """Degrees clockwise from the top, seen from `centre`."""
    return math.degrees(math.atan2(point[0] - centre[0], centre[1] - point[1])) % 360


def along(start: Point, end: Point, steps: int) -> list[Point]:
    """`steps` + 1 points from `start` to `end`."""
    (x0, y0), (x1, y1) = start, end
    return [(x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps) for t in range(steps + 1)]


def apart(a: Box, b: Box, gap: int = 0) -> bool:
    return a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]


def grown(box: Box, by: int) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def board(image: Image.Image) -> Box:
    """Where the board is: the solid part of its cream."""
    return where(near(image, bc.BOARD_TINT, 1))


def test_the_dream_job_sits_in_the_middle_of_a_round_board() -> None:
    image = drawn(5, 2, name="five")
    ground, dream = board(image), spot(image, "p0")
    width, height = ground[2] - ground[0], ground[3] - ground[1]
    assert width > 0.85 * image.width and 0.85 < height / width < 1.2  # big and round
    (x, y), (bx, by) = middle(dream), middle(ground)
    assert abs(x - bx) < 8 and abs(y - by) < 0.05 * height
    assert dream[2] - dream[0] > 1.3 * (spot(image, "p1")[2] - spot(image, "p1")[0])  # bigger


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 12, 16])
def test_conditions_stand_round_the_dream_job_clockwise_from_the_top(n: int) -> None:
    image = drawn(n, name=f"around_{n}")
    dream = spot(image, "p0")
    centre = middle(dream)
    turns = [turn(centre, middle(spot(image, f"p{i}"))) for i in range(1, n + 1)]
    assert turns[0] < max(12, 0.6 * 360 / n) or turns[0] > 348  # the first at (or after) noon
    unwound = [turns[0] - 360 if turns[0] > 180 else turns[0], *turns[1:]]
    assert unwound == sorted(unwound), turns  # clockwise
    steps = [b - a for a, b in itertools.pairwise([*unwound, unwound[0] + 360])]
    assert max(steps) < 2.2 * 360 / n and min(steps) > 0.4 * 360 / n, steps  # spread round
    dream_card = (dream[0] - 12, dream[1] - 12, dream[2] + 12, dream[3] + 60)
    for a, b in itertools.combinations([*cards(image, n), dream_card], 2):
        assert apart(a, b, 10), (a, b)  # whole cards, never overlapping


@pytest.mark.parametrize("n", [4, 7, 12, 16])
def test_each_condition_is_joined_to_the_dream_job_by_a_thick_line_under_the_cards(n: int) -> None:
    image = drawn(n, 3, name=f"lines_{n}")
    line = near(image, bc.LINE, 24)
    dream = spot(image, "p0")
    centre = middle(dream)
    boxes = cards(image, n)
    for i, box in enumerate(boxes, start=1):
        start = middle(box)
        length = math.dist(start, centre)
        points = along(start, centre, 400)
        on = [p for p in points if line.getpixel((round(p[0]), round(p[1])))]
        assert len(on) * length / 400 > 40, f"p{i}: too little line shows"
        # thick: across the line, in the middle of the part that shows
        x, y = on[len(on) // 2]
        dx, dy = (centre[1] - start[1]) / length, (start[0] - centre[0]) / length
        across = [line.getpixel((round(x + dx * k), round(y + dy * k))) for k in range(-15, 16)]
        assert sum(1 for v in across if v) >= 10
        # under the cards: none of it on a card
        assert count(line, grown(box, -8)) == 0
        # and never under another card: each line plainly goes to its own card
        for other in boxes[: i - 1] + boxes[i:]:
            x0, y0, x1, y1 = grown(other, 4)
            assert not any(x0 <= px <= x1 and y0 <= py <= y1 for px, py in points), (i, other)
    assert count(line, grown(dream, 6)) == 0


def test_without_conditions_the_dream_job_stands_alone() -> None:
    image = drawn(0, name="alone")
    assert count(near(image, bc.LINE, 24)) == 0
    ground, dream = board(image), spot(image, "p0")
    assert abs(middle(dream)[0] - 480) < 8
    assert ground[0] < dream[0] and ground[1] < dream[1]  # on the board
    assert dream[2] < ground[2] and dream[3] < ground[3]
    assert count(near(image, bc.STRIP_TINT, 2)) < 50
    assert image.height < 900


def test_the_strip_of_reasons_is_under_the_board_only_when_given() -> None:
    without, image = drawn(6), drawn(6, 5, name="strip")
    assert count(near(without, bc.STRIP_TINT, 2)) < 50
    assert without.height < image.height - 250
    strip, ground = where(near(image, bc.STRIP_TINT, 2)), board(image)
    assert strip[1] > ground[3]  # under the board
    assert strip[2] - strip[0] > 0.9 * image.width
    for i in range(7, 12):
        box = spot(image, f"p{i}")
        assert strip[0] <= box[0] and strip[1] <= box[1] and box[2] <= strip[2] <= image.width
    heading = (strip[0], strip[1], strip[2], spot(image, "p7")[1])
    assert count(near(image, TITLE_INK, 40), heading) > 300  # its words on top


def test_the_title_is_on_top_only_when_given() -> None:
    titled, bare = drawn(3, 1), drawn(3, 1, title="")
    top = (0, 0, 960, board(titled)[1] - 60)
    assert count(near(titled, TITLE_INK, 40), top) > 800
    assert count(near(titled, ACCENT, 20), top) > 500  # the orange bar under it
    assert bare.height < titled.height - 80


def test_sixteen_conditions_and_eight_reasons_fit_with_labels_to_read() -> None:
    image = drawn(MAX_AROUND, MAX_BELOW, name="full")
    assert image.height <= 2000
    boxes = [spot(image, f"p{i}") for i in range(1, 1 + MAX_AROUND + MAX_BELOW)]
    for a, b in itertools.combinations(boxes, 2):
        assert apart(grown(a, 8), grown(b, 8))
    for a, b in itertools.combinations(cards(image, MAX_AROUND), 2):
        assert apart(a, b, 10)  # whole cards
    sizes = {box[2] - box[0] for box in boxes}
    assert min(sizes) > 120 and max(sizes) - min(sizes) < 4
    # "Binnen" and "Fiets" on one line: their letters at least 18 px high (a 27 px font)
    for i in (1, 6):
        box = spot(image, f"p{i}")
        label = near(image, INK, 60).crop((box[0] - 6, box[3] + 4, box[2] + 6, box[3] + 60))
        found = label.getbbox()
        assert found is not None and found[3] - found[1] >= 18


@pytest.mark.parametrize(
    ("around", "below", "most"),
    [(8, 4, 1700), (8, 8, 1700), (10, 8, 1700), (14, 4, 1700), (14, 8, 1850), (16, 8, 2000)],
)
def test_the_picture_stays_about_a_phone_screen_tall(around: int, below: int, most: int) -> None:
    assert drawn(around, below).height <= most


@pytest.mark.parametrize(
    ("centre", "around", "below", "message"),
    [
        ("p0", pictures(1, MAX_AROUND + 1), [], "at most"),
        ("p0", pictures(1, 3), pictures(4, MAX_BELOW + 1), "at most"),
        ("p1", pictures(1, 3), [], "once"),
        ("p0", pictures(1, 3), pictures(3, 2), "once"),
        ("p0", [*pictures(1, 2), ("p1", "Opnieuw")], [], "once"),
        ("", pictures(1, 2), [], "once"),
    ],
)
def test_wrong_input_raises(centre: str, around: list[Pic], below: list[Pic], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_board((centre, "Keuken"), around, below, WORDS, TITLE, LETTERS, paste)


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_examples_with_real_pictures(tmp_path: Path) -> None:
    """Saves test-artifacts/board_real_*.png to look at."""
    from images.render import PictureRenderer

    bank = load_manifest()
    renderer = PictureRenderer(bank, tmp_path)

    def real(*ids: str) -> list[Pic]:
        return [(pid, bank.get(pid).label) for pid in ids]

    conditions = ["work_garden", "car", "bicycle", "home", "friends", "phone", "music", "sport"]
    conditions += ["family", "travel", "health", "rest", "own_time", "animals", "cook_home"]
    conditions += ["swimming"]
    reasons = ["money", "learn", "help_others", "diploma", "dutch", "love", "party", "children"]
    examples = {
        "typical": (real(*conditions[:5]), real(*reasons[:3])),
        "few": (real("bicycle"), real("money")),
        "many": (real(*conditions[:12]), real(*reasons[:4])),
        "full": (real(*conditions), real(*reasons)),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (around, below) in examples.items():
        centre = real("work_kitchen")[0]
        image = draw_board(centre, around, below, WORDS, TITLE, LETTERS, renderer._paste_picture)
        assert image.width == 960 and image.height <= 2000
        image.save(ARTIFACTS / f"board_real_{name}.png")
