"""The picture of the method menu, found again in the pixels: the groups' panels top to bottom
in the given order, each holding its methods' pictures under a heading on the left; done
methods green with a tick, the next one orange with a "Nu" badge; taller with more rows;
strict about what it is given."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from images import menu_card as mc
from images.drawing import Lettering
from images.manifest import DEFAULT_MANIFEST, load_manifest
from images.menu_card import MenuGroup, MenuMethod, draw_menu_card
from tests.test_render import COLOURS, IDS, Box, count, green, near, where

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LETTERS = Lettering()
WHITE = (255, 255, 255)
# not "oranje", "limoen" or "petrol": close to the orange and green marks
PICS = [pid for pid in IDS if pid not in ("oranje", "limoen", "petrol")]
M = MenuMethod


def paste(canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
    """A test picture: a square in the picture's colour."""
    canvas.paste(COLOURS[pid], (x, y, x + size, y + size))


def drawn(*groups: MenuGroup) -> Image.Image:
    image = draw_menu_card(groups, LETTERS, paste)
    assert image.mode == "RGB" and image.width == 960
    return image


def group(words: str, *methods: MenuMethod) -> MenuGroup:
    return MenuGroup(words, methods)


def square(image: Image.Image, pid: str) -> Box:
    return where(near(image, COLOURS[pid], 4))


def card(spot: Box) -> Box:
    """Round a picture: its card, up to just under the card's top edge."""
    return spot[0] - 48, spot[1] - 14, spot[2] + 48, spot[3] + 70


def over(spot: Box) -> Box:
    """Just over a picture's card: where the "Nu" badge sticks out."""
    return spot[0] - 48, spot[1] - 60, spot[2] + 48, spot[1] - 22


def tick_corner(spot: Box) -> Box:
    """The top right corner of a picture's card: where the tick is."""
    return spot[2] - 36, spot[1] - 14, spot[2] + 36, spot[1] + 56


def orange(image: Image.Image) -> Image.Image:
    return near(image, mc.NEXT, 30)


def inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2:] <= outer[2:]


MENU = (
    group("Wie ben ik?", M("rood", "Prentenbeeld", done=True), M("blauw", "Mijn hand")),
    group("Wat wil ik?", M("geel", "Droompagina"), M("paars", "Praatplaat", next=True)),
    group("Wat kan ik?", M("cyaan", "Vier op een rij"), M("violet", "Mijn ladder", done=True)),
)


def test_groups_are_stacked_in_order_each_holding_its_pictures() -> None:
    image = drawn(*MENU)
    panels = [where(near(image, tint, 6)) for tint, _, _ in mc.TINTS[: len(MENU)]]
    for upper, lower in itertools.pairwise(panels):
        assert upper[3] < lower[1]  # top to bottom, apart
    sizes = set()
    for box, (tint, _, ink), grp in zip(panels, mc.TINTS[: len(MENU)], MENU, strict=True):
        assert box[2] - box[0] > 0.9 * image.width  # a panel across the picture
        assert count(near(image, tint, 6), box) > 50_000  # a panel, not specks
        spots = [square(image, m.picture) for m in grp.methods]
        for spot in spots:
            assert inside(spot, box)
            sizes.add((spot[2] - spot[0], spot[3] - spot[1]))
        assert spots[0][2] < spots[1][0] and abs(spots[0][1] - spots[1][1]) < 3  # in a row
        # the heading: big, on the left, above the cards
        words = where(near(image, ink, 30), (box[0], box[1], box[2], spots[0][1] - 30))
        assert words[0] < box[0] + 40 and words[2] < image.width // 2
        assert words[3] - words[1] > 28
    assert len(sizes) == 1  # cards the same size everywhere


def test_done_methods_and_only_those_are_green_with_a_tick() -> None:
    image = drawn(*MENU)
    for grp in MENU:
        for method in grp.methods:
            spot = square(image, method.picture)
            greens = count(green(image), card(spot))
            corner = tick_corner(spot)
            if method.done:
                assert greens > 5000, method  # a border all round, and the tick
                frame = where(green(image), card(spot))
                assert frame[2] - frame[0] > spot[2] - spot[0] + 60  # round the picture
                assert frame[3] - frame[1] > spot[3] - spot[1] + 50
                assert count(green(image), corner) > 1500
                assert count(near(image, WHITE, 40), corner) > 150  # the white tick
            else:
                assert greens < 50, method


def test_the_next_method_and_only_it_is_orange_with_a_badge() -> None:
    image = drawn(*MENU)
    for method in (m for grp in MENU for m in grp.methods):
        spot = square(image, method.picture)
        if method.next:
            assert count(orange(image), card(spot)) > 8000  # thick border, name on orange
            assert count(orange(image), over(spot)) > 1000  # the badge sticks out on top
            assert count(near(image, WHITE, 40), over(spot)) > 150  # its star and "Nu"
        else:
            assert count(orange(image), card(spot)) < 50, method
            assert count(orange(image), over(spot)) < 50, method


def test_a_method_done_and_next_shows_both_marks() -> None:
    image = drawn(
        group("Wie ben ik?", M("rood", "Klokwijs", done=True, next=True), M("blauw", "Hand"))
    )
    spot = square(image, "rood")
    assert count(orange(image), card(spot)) > 8000
    assert count(orange(image), over(spot)) > 1000
    assert count(green(image), tick_corner(spot)) > 1500
    assert count(green(image), card(square(image, "blauw"))) < 50


def test_height_grows_with_rows_and_groups() -> None:
    def methods(n: int, title: str) -> tuple[MenuMethod, ...]:
        return tuple(M(pid, title) for pid in PICS[:n])

    one, three = (
        drawn(MenuGroup("Wie?", methods(1, "Hand"))),
        drawn(MenuGroup("Wie?", methods(3, "Hand"))),
    )
    four_short = drawn(MenuGroup("Wie?", methods(4, "Hand")))
    assert one.height == three.height  # one row each
    assert four_short.height <= three.height  # four smaller cards in one row
    spots = [square(four_short, pid) for pid in PICS[:4]]
    assert len({spot[1] for spot in spots}) == 1  # four short names: four in a row
    four_long = drawn(MenuGroup("Wie?", methods(4, "Prentenbeeld")))  # not four at 28 px
    spots = [square(four_long, pid) for pid in PICS[:4]]
    assert spots[0][1] == spots[1][1] < spots[2][1] == spots[3][1]  # two rows of two
    assert four_long.height > four_short.height + 200
    heights = [drawn(*MENU[:n]).height for n in (1, 2, 3)]
    assert heights[0] + 200 < heights[1] < heights[2] - 200


def test_names_stay_large_and_the_menu_compact() -> None:
    names = ["Prentenbeeld", "Mijn hand", "Klokwijs", "Droompagina", "Praatplaat"]
    names += ["Vier op een rij", "Mijn ladder", "Prentenbeeld", "Klokwijs"]
    methods = [M(pid, name) for pid, name in zip(PICS * 2, names, strict=False)]
    questions = ("Wie ben ik?", "Wat wil ik?", "Wat kan ik?")
    menu = [
        MenuGroup(words, tuple(methods[3 * i : 3 * i + 3])) for i, words in enumerate(questions)
    ]
    assert drawn(*menu).height <= 1500  # three groups of three
    sizes = mc.sizes_for(menu, LETTERS)
    for name in names:  # at 28 px at least; a one-word name on one line
        size, lines = LETTERS.fit(name, sizes.card_w - 2 * mc.PAD, sizes.label_px)
        assert size >= 28 and (len(lines) == 1 or " " in name), name


def test_other_words_make_another_picture() -> None:
    base = drawn(*MENU)
    other = drawn(MenuGroup("Wie ben jij?", MENU[0].methods), *MENU[1:])
    assert base.size == other.size
    assert ImageChops.difference(base, other).getbbox() is not None


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ((), "1 to 4 groups"),
        (MENU + MENU[:2], "1 to 4 groups"),
        ((MenuGroup("Wie ben ik?", ()),), "1 to 4 methods"),
        ((MenuGroup("Wie ben ik?", tuple(M(pid, "Hand") for pid in PICS[:5])),), "1 to 4 methods"),
        ((group("Wie ben ik?", M("rood", " ")),), "title"),
        ((group("  ", M("rood", "Hand")),), "words"),
        (
            (group("Wie?", M("rood", "A", next=True)), group("Wat?", M("geel", "B", next=True))),
            "one",
        ),
    ],
)
def test_wrong_input_raises(groups: tuple[MenuGroup, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw_menu_card(groups, LETTERS, paste)


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_examples_with_real_pictures(tmp_path: Path) -> None:
    """Saves test-artifacts/menu_*.png to look at."""
    from images.render import PictureRenderer

    renderer = PictureRenderer(load_manifest(), tmp_path)
    who = [M("quality_strong", "Prentenbeeld"), M("friends", "Mijn hand"), M("home", "Klokwijs")]
    want = [M("travel", "Droompagina"), M("work_garden", "Praatplaat")]
    can = [M("quality_teamwork", "Vier op een rij"), M("quality_persevere", "Mijn ladder")]

    def menu(done: set[str], next_up: str) -> list[MenuGroup]:
        def marked(methods: list[MenuMethod]) -> tuple[MenuMethod, ...]:
            return tuple(
                M(m.picture, m.title, m.title in done, m.title == next_up) for m in methods
            )

        return [
            MenuGroup("Wie ben ik?", marked(who)),
            MenuGroup("Wat wil ik?", marked(want)),
            MenuGroup("Wat kan ik?", marked(can)),
        ]

    examples = {
        "fresh": menu(set(), "Prentenbeeld"),
        "typical": menu({"Prentenbeeld", "Mijn hand", "Droompagina"}, "Praatplaat"),
        "again": menu({"Prentenbeeld", "Mijn hand", "Klokwijs"}, "Prentenbeeld"),
        "four": [
            MenuGroup("Wie ben ik?", (*(M(m.picture, m.title, True) for m in who), want[0])),
            MenuGroup("Wat kan ik?", (M(can[0].picture, can[0].title, next=True),)),
        ],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for name, groups in examples.items():
        image = draw_menu_card(groups, LETTERS, renderer._paste_picture)
        assert image.width == 960 and image.height <= 1500
        image.save(ARTIFACTS / f"menu_{name}.png")
