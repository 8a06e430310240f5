"""The "Dit ben ik" picture: strong sides and growing sides in two tinted panels, found again
in the pixels; an empty group left out; small, cached, and strict about what it is given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from flows.conversation_types import ImageSpec
from images import me_card
from images.hooks import IMAGE_HOOKS, render_image
from images.manifest import DEFAULT_MANIFEST, Manifest, load_manifest
from images.render import PictureRenderer, RenderedImage
from tests.test_render import COLOURS, IDS, Box, count, near, opened, where, write_manifest

TITLE = "Dit ben ik"
STRONG_BADGE, GROWING_BADGE = me_card.STRONG.badge, me_card.GROWING.badge


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    return load_manifest(write_manifest(tmp_path / "bank"))


@pytest.fixture
def renderer(manifest: Manifest, tmp_path: Path) -> PictureRenderer:
    return PictureRenderer(manifest, tmp_path / "cache")


def panel(image: Image.Image, tint: tuple[int, int, int]) -> Box:
    """Where a group's panel is: the solid part of its tint."""
    return where(near(image, tint, 6))


def inside(inner: Box, outer: Box) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def test_strong_and_growing_sides_are_in_two_panels(renderer: PictureRenderer) -> None:
    # not "oranje": its colour is close to the badge of the strong sides
    pictures, strong = ["rood", "blauw", "geel", "paars", "cyaan"], {"blauw", "paars"}
    image = opened(renderer.me_card(pictures, strong, TITLE))
    assert image.width == 960
    top, bottom = panel(image, me_card.STRONG_TINT), panel(image, me_card.GROWING_TINT)
    assert top[3] < bottom[1]  # strong sides on top, clearly apart
    for box in (top, bottom):  # each panel spans (nearly) the whole width
        assert box[2] - box[0] > 0.9 * image.width
    # a lot of each tint: panels, not specks
    assert count(near(image, me_card.STRONG_TINT, 6), top) > 50_000
    assert count(near(image, me_card.GROWING_TINT, 6), bottom) > 50_000
    assert count(near(image, me_card.GROWING_TINT, 6), top) < 200
    assert count(near(image, me_card.STRONG_TINT, 6), bottom) < 200
    # every picture in the panel of its group
    for pid in pictures:
        spot = where(near(image, COLOURS[pid]))
        assert inside(spot, top if pid in strong else bottom), pid
    # the title above both, in the warm brown of the dream page
    assert count(near(image, me_card.STRONG.ink, 40), (0, 0, image.width, top[1])) > 800


def test_each_group_has_its_own_drawn_symbol(renderer: PictureRenderer) -> None:
    image = opened(renderer.me_card(IDS[:2], {"rood"}, TITLE))
    top, bottom = panel(image, me_card.STRONG_TINT), panel(image, me_card.GROWING_TINT)
    badges = []
    for box, colour in ((top, STRONG_BADGE), (bottom, GROWING_BADGE)):
        badge = where(near(image, colour, 20), box)
        assert 70 < badge[2] - badge[0] < 90 and 70 < badge[3] - badge[1] < 90  # a round badge
        assert badge[3] < box[1] + 140  # at the top of its panel
        mark = (badge[0] + 14, badge[1] + 14, badge[2] - 14, badge[3] - 14)
        assert count(near(image, (255, 255, 255), 40), mark) > 400  # a white symbol in it
        badges.append(image.crop(mark).convert("L").point(lambda v: 255 if v > 200 else 0))
    assert count(near(image, GROWING_BADGE, 20), top) < 50
    assert count(near(image, STRONG_BADGE, 20), bottom) < 50
    # two different shapes (an arm, a sprout), not one symbol twice
    arm, sprout = badges
    size = (min(arm.width, sprout.width), min(arm.height, sprout.height))
    differ = count(ImageChops.difference(arm.resize(size), sprout.resize(size)))
    assert differ > 0.2 * size[0] * size[1]


@pytest.mark.parametrize(
    ("strong", "shown", "left_out"),
    [
        (IDS[:3], me_card.STRONG_TINT, me_card.GROWING_TINT),
        ((), me_card.GROWING_TINT, me_card.STRONG_TINT),
    ],
)
def test_an_empty_group_is_left_out(
    renderer: PictureRenderer,
    strong: list[str],
    shown: tuple[int, int, int],
    left_out: tuple[int, int, int],
) -> None:
    one_group = renderer.me_card(IDS[:3], strong, TITLE)
    image = opened(one_group)
    assert count(near(image, left_out, 6)) < 200  # no empty box
    box = panel(image, shown)
    for pid in IDS[:3]:
        assert inside(where(near(image, COLOURS[pid])), box), pid
    # the one panel reaches down to the bottom of the picture: nothing below it
    assert image.height - box[3] < 40
    both = renderer.me_card(IDS[:3], IDS[:1], TITLE)
    assert one_group.height < both.height - 150


def test_size_follows_the_count(renderer: PictureRenderer) -> None:
    def made(n: int, strong: int) -> RenderedImage:
        return renderer.me_card(IDS[:n], IDS[:strong], TITLE)

    assert {made(n, n // 2).width for n in range(1, 9)} == {960}
    assert made(1, 1).height < made(2, 1).height  # a second group
    assert made(3, 3).height < made(6, 3).height  # a second row in each group
    assert made(6, 0).height < made(8, 5).height  # three rows against two
    for n in range(1, 9):
        for strong in range(n + 1):
            image = made(n, strong)
            assert image.height <= 1600, (n, strong)
    eight = made(8, 5)
    with Image.open(eight.path) as file:
        assert file.format == "JPEG" and file.mode == "RGB"
    assert eight.path.stat().st_size < 150_000
    assert eight.path.name == f"{eight.key}.jpg" and eight.key.startswith("me-")


def test_cache_hit_does_not_render_again(
    renderer: PictureRenderer, manifest: Manifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = renderer.me_card(IDS[:4], {"rood", "geel"}, TITLE)
    written = first.path.stat().st_mtime_ns

    def fail(*args: object) -> Image.Image:
        raise AssertionError("rendered again")

    monkeypatch.setattr(PictureRenderer, "_draw_me", fail)
    assert renderer.me_card(IDS[:4], ["geel", "rood"], f"  {TITLE} ") == first
    assert renderer.me_card(tuple(IDS[:4]), frozenset({"rood", "geel"}), TITLE) == first
    assert (
        PictureRenderer(manifest, renderer.cache_dir).me_card(IDS[:4], {"rood", "geel"}, TITLE)
        == first
    )
    assert first.path.stat().st_mtime_ns == written


def test_key_follows_what_is_shown(renderer: PictureRenderer) -> None:
    base = renderer.me_card(IDS[:4], {"rood"}, TITLE).key
    keys = {
        renderer.me_card(IDS[:4], {"blauw"}, TITLE).key,  # another split
        renderer.me_card(IDS[:4], {"rood", "blauw"}, TITLE).key,
        renderer.me_card(IDS[:4], (), TITLE).key,
        renderer.me_card(IDS[:4], IDS[:4], TITLE).key,
        renderer.me_card(list(reversed(IDS[:4])), {"rood"}, TITLE).key,  # another order
        renderer.me_card(IDS[:3], {"rood"}, TITLE).key,
        renderer.me_card(IDS[:4], {"rood"}, "Dit is Fatima").key,
    }
    assert base not in keys and len(keys) == 7
    assert base != renderer.collage(IDS[:4], TITLE).key


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.me_card([], (), TITLE), "1 to 8"),
        (lambda r: r.me_card(IDS[:9], (), TITLE), "1 to 8"),
        (lambda r: r.me_card(["rood", "bestaat_niet"], {"rood"}, TITLE), "unknown"),
        (lambda r: r.me_card(["rood", "rood"], (), TITLE), "once"),
        (lambda r: r.me_card(["rood"], {"blauw"}, TITLE), "among the pictures"),
        (lambda r: r.me_card(["rood", "blauw"], "rood", TITLE), "among the pictures"),
    ],
)
def test_wrong_input_raises(
    renderer: PictureRenderer, call: Callable[[PictureRenderer], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(renderer)
    assert list(renderer.cache_dir.iterdir()) == []


def test_the_me_hook(renderer: PictureRenderer) -> None:
    assert "me" in IMAGE_HOOKS
    spec = ImageSpec("me", ("rood", "blauw", "geel"), selected=("geel",), title=TITLE)
    made = render_image(renderer, spec)
    assert made == renderer.me_card(["rood", "blauw", "geel"], {"geel"}, TITLE)
    assert made.key.startswith("me-")
    nothing_strong = ImageSpec("me", ("rood", "blauw"))
    assert render_image(renderer, nothing_strong) == renderer.me_card(["rood", "blauw"], (), "")
    with pytest.raises(ValueError, match="among the pictures"):
        render_image(renderer, ImageSpec("me", ("rood",), selected=("blauw",)))


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_real_pictures_stay_within_budget(tmp_path: Path) -> None:
    real = load_manifest()
    renderer = PictureRenderer(real, tmp_path)
    ids = [picture.id for picture in real.pictures]
    for start in range(0, len(ids) - 7, 8):
        pictures = ids[start : start + 8]
        for strong in (5, 8):  # the tallest split (three rows of three) and one group of 8
            made = renderer.me_card(pictures, pictures[:strong], TITLE)
            assert made.width <= 960 and made.height <= 1600
            assert made.path.stat().st_size < 150_000, (pictures, strong)
