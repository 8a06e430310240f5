"""The HAND method's picture "my hand", found again in the pixels: a yellow hand with a bubble
for each finger in the finger's colour, the thumb's on the left and the little finger's on the
right, every finger's pictures in its own bubble, no two bubbles overlapping; an unanswered
finger keeps its bubble; typed words stop at three lines and lose their emoji; strict about
what it is given."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from images import hand_card as hc
from images.drawing import INK, WHITE, Lettering
from images.hand_card import FingerAnswer, draw_hand
from images.layouts import TITLE_INK
from images.manifest import DEFAULT_MANIFEST, load_manifest
from tests.test_render import Box, count, near, where

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
TINTS = [hc.mix(accent, WHITE, 0.86) for accent in hc.ACCENTS]
# 15 test pictures, each a square in a colour of its own that nothing else in the drawing has.
PICTURES = {f"p{i}": (20 + 13 * i, 240 - 11 * i, (60 + 83 * i) % 256) for i in range(15)}
LONG = "Ik kan heel goed koken en ik help graag anderen met hun huiswerk en nog veel meer dingen"


def paste(canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
    """A test picture: a square in the picture's own colour."""
    canvas.paste(PICTURES[pid], (x, y, x + size, y + size))


def answer(*ids: str, words: str = "") -> FingerAnswer:
    return FingerAnswer(tuple((pid, f"Plaatje {pid}") for pid in ids), words)


def drawn(fingers: list[FingerAnswer], title: str = "Mijn hand") -> Image.Image:
    image = draw_hand(fingers, title, LETTERS, paste)
    assert image.mode == "RGB" and image.width == 960 and image.height <= 1700
    return image


def bubble(image: Image.Image, finger: int) -> Box:
    """Where a finger's bubble is: the solid part of its tint."""
    return where(near(image, TINTS[finger], 4))


def inside(inner: Box, outer: Box) -> bool:
    return all(outer[i] <= inner[i] and inner[i + 2] <= outer[i + 2] for i in (0, 1))


def apart(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


SOME = [
    answer("p0", "p1", words="Koken"),
    answer("p2"),
    answer("p3", "p4", "p5", words="Ruzie"),
    answer("p6", words="Mijn familie"),
    answer("p7", "p8"),
]


def test_each_fingers_pictures_are_in_its_own_bubble() -> None:
    image = drawn(SOME)
    bubbles = [bubble(image, finger) for finger in range(5)]
    for finger, fingers_answer in enumerate(SOME):
        for pid, _ in fingers_answer.pictures:
            spot = where(near(image, PICTURES[pid], 4))
            assert inside(spot, bubbles[finger]), (finger, pid)
            assert spot[2] - spot[0] >= 64, "pictures stay big enough to see on a phone"
    for a, b in itertools.combinations(bubbles, 2):
        assert apart(a, b), (a, b)
    thumb, index, middle, ring, little = bubbles
    assert (
        thumb[2] < image.width / 3 and little[0] > image.width * 2 / 3
    )  # thumb left, little right
    assert index[2] <= middle[0] and middle[2] <= ring[0]  # the others in a row above the hand
    assert max(index[1], middle[1], ring[1]) < min(thumb[1], little[1])


def test_the_hand_is_yellow_between_the_bubbles_with_each_fingers_colour_on_it() -> None:
    image = drawn(SOME)
    skin = near(image, hc.SKIN, 6)
    hand = where(skin)
    assert count(skin) > 40_000  # a big hand, not a speck
    assert abs((hand[0] + hand[2]) / 2 - image.width / 2) < 40  # in the middle
    assert hand[2] - hand[0] > 250 and hand[3] - hand[1] > 300
    for finger in range(5):
        assert count(skin, bubble(image, finger)) < 50  # no bubble hides the hand
        # the finger's colour on the hand (its ring) and on its bubble's edge
        accent = near(image, hc.ACCENTS[finger], 12)
        assert count(accent, hand) > 300, finger
        x0, y0, x1, y1 = bubble(image, finger)
        assert count(accent, (x0 - 8, y0 - 8, x1 + 8, y1 + 8)) > 2 * (x1 - x0), finger


def test_an_empty_finger_still_gets_a_bubble() -> None:
    image = drawn([FingerAnswer()] * 5)
    bubbles = [bubble(image, finger) for finger in range(5)]
    for a, b in itertools.combinations(bubbles, 2):
        assert apart(a, b)
    for finger, box in enumerate(bubbles):
        assert box[2] - box[0] > 200 and box[3] - box[1] > 100
        heading = near(image, hc.mix(hc.ACCENTS[finger], INK, 0.45), 30)
        assert count(heading, box) > 400, "its words as a heading"
        assert count(near(image, hc.mix(hc.ACCENTS[finger], WHITE, 0.5), 6), box) > 300, "a dash"
    # one answered finger: its bubble grows, the others stay as they are
    one = drawn([FingerAnswer()] * 2 + [answer("p3")] + [FingerAnswer()] * 2)
    assert bubble(one, 2)[3] - bubble(one, 2)[1] > bubble(image, 2)[3] - bubble(image, 2)[1] + 80
    assert bubble(one, 0)[3] - bubble(one, 0)[1] == bubble(image, 0)[3] - bubble(image, 0)[1]


def test_long_typed_words_stop_at_three_lines() -> None:
    def made(words: str) -> Image.Image:
        return drawn([answer("p0", words=words)] + [FingerAnswer(words=words)] * 4)

    one_line, three_lines, very_long = made("Koken"), made(LONG), made(LONG * 5)
    assert one_line.height < three_lines.height
    assert very_long.height == three_lines.height
    for finger in range(5):
        assert bubble(very_long, finger) == bubble(three_lines, finger)
    fullest = [answer(*(f"p{3 * i + j}" for j in range(3)), words=LONG * 3) for i in range(5)]
    assert drawn(fullest).height <= 1700


def test_emoji_are_left_out_not_drawn_as_boxes() -> None:
    plain = drawn([answer("p0", words="Koken")] + [FingerAnswer(words="Mijn familie")] * 4)
    with_emoji = drawn(
        [answer("p0", words="Koken 🍳")] + [FingerAnswer(words="Mijn 👨‍👩‍👧 familie 🤝🏽")] * 4,
        "Mijn hand 🖐🏽",
    )
    assert ImageChops.difference(plain, with_emoji).getbbox() is None
    font = LETTERS.font(hc.WORDS_PX)
    assert hc.drawable("🍳🍳", font) == ""
    assert hc.drawable("Één café 👍🏽, ok", font) == "Één café , ok"


def test_the_title_is_on_top() -> None:
    titled, untitled = drawn(SOME, "Mijn hand"), drawn(SOME, "")
    assert titled.height > untitled.height + 60
    top = (0, 0, titled.width, min(bubble(titled, f)[1] for f in range(5)))
    assert count(near(titled, TITLE_INK, 30), top) > 800
    assert count(near(untitled, TITLE_INK, 30), (0, 0, untitled.width, 60)) == 0


@pytest.mark.parametrize(
    ("fingers", "message"),
    [
        ([FingerAnswer()] * 4, "5 fingers"),
        ([FingerAnswer()] * 6, "5 fingers"),
        ([answer("p0", "p1", "p2", "p3")] + [FingerAnswer()] * 4, "at most 3"),
    ],
)
def test_wrong_input_raises(fingers: list[FingerAnswer], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_hand(fingers, "Mijn hand", LETTERS, paste)


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_examples_with_real_pictures(tmp_path: Path) -> None:
    """Saves test-artifacts/hand_*.png to look at."""
    from images.render import PictureRenderer

    bank = load_manifest()
    renderer = PictureRenderer(bank, tmp_path)

    def real(*ids: str, words: str = "") -> FingerAnswer:
        return FingerAnswer(tuple((pid, bank.get(pid).label) for pid in ids), words)

    examples = {
        "typical": [
            real("quality_strong", "quality_creative", words="Koken 🍳"),
            real("work_kitchen", words="Een eigen restaurant"),
            real(words="Ruzie en lawaai"),
            real("family", "friends"),
            real("dutch", words="Brieven lezen"),
        ],
        "full": [
            real("quality_strong", "quality_creative", "quality_numbers", words=LONG),
            real(
                "work_kitchen",
                "travel",
                "home",
                words="Ik wil in een keuken werken, later mijn eigen zaak in de stad",
            ),
            real("money", "rest", "music", words="Als mensen niet naar elkaar luisteren"),
            real("family", "friends", "home", words="Mijn familie en mijn vrienden, altijd"),
            real("dutch", "quality_numbers", "money", words="Formulieren van de gemeente"),
        ],
        "sparse": [real(), real("travel"), real(), real(words="Mijn geloof"), real()],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, fingers in examples.items():
        image = draw_hand(fingers, "Mijn hand", LETTERS, renderer._paste_picture)
        assert image.width == 960 and image.height <= 1700
        image.save(ARTIFACTS / f"hand_{name}.png")
