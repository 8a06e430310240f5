"""The plan card: a row per action (its picture or a numbered tile, the words, the date),
found again in the pixels; small, cached, and strict about what it is given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from flows.conversation_types import ImageSpec
from images import render
from images.hooks import IMAGE_HOOKS, render_image
from images.manifest import DEFAULT_MANIFEST, Manifest, load_manifest
from images.render import PictureRenderer
from tests.test_render import COLOURS, IDS, count, near, opened, where, write_manifest

Row = tuple[str | None, str, str]
ROWS: list[Row] = [
    ("rood", "De bakker bellen", "vrijdag 6 maart"),
    (None, "Fietsen oefenen", "zonder datum"),
    ("blauw", "Een cv maken met Sara", "woensdag 30 september"),
]
LONG = "Elke dag met de fiets naar het werk rijden, ook als het regent en ook als het koud is"


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    return load_manifest(write_manifest(tmp_path / "bank"))


@pytest.fixture
def renderer(manifest: Manifest, tmp_path: Path) -> PictureRenderer:
    return PictureRenderer(manifest, tmp_path / "cache")


def bands(image: Image.Image, rows: int) -> list[tuple[int, int, int, int]]:
    """The rows of the card, found by their picture or tile on the left."""
    left = (0, 0, image.width // 4, image.height)
    tiles = near(image, render.BADGE_TINT, 8)
    found = []
    for pid in [pid for pid, _, _ in ROWS][:rows]:
        mask = tiles if pid is None else near(image, COLOURS[pid])
        found.append(where(mask, left))
    return found


def test_every_row_is_there_top_to_bottom(renderer: PictureRenderer) -> None:
    card = renderer.plan_card(ROWS, "Mijn plan")
    image = opened(card)
    assert card.width == render.PLAN_W <= 960
    red, tile, blue = bands(image, 3)
    assert red[3] < tile[1] and tile[3] < blue[1]
    assert all(box[2] < image.width // 4 for box in (red, tile, blue))  # on the left
    assert count(near(image, COLOURS["rood"])) > 3000
    assert count(near(image, COLOURS["blauw"])) > 3000
    # the tile of the row without a picture is a square about as big as a picture
    assert 100 < tile[2] - tile[0] < 140 and 100 < tile[3] - tile[1] < 140
    # the title on top, in navy
    assert count(near(image, render.NUMBER, 40), (0, 0, image.width, red[1] - 30)) > 800


def test_each_row_has_a_navy_number_and_a_date_pill(renderer: PictureRenderer) -> None:
    image = opened(renderer.plan_card(ROWS, ""))
    navy = near(image, render.NUMBER, 40)
    pill = near(image, render.DATE_TINT, 6)
    for _, y0, x1, y1 in bands(image, 3):
        row = (0, y0 - 14, image.width, y1 + 14)
        assert count(pill, row) > 3000  # a light blue pill
        assert count(navy, (0, y0 - 14, x1 + 10, y1 + 14)) > 300  # the number


def test_the_words_and_the_date_are_drawn_beside_the_picture(renderer: PictureRenderer) -> None:
    base = opened(renderer.plan_card(ROWS, "Mijn plan"))
    other_words = [ROWS[0], (None, "Fietsen leren", "zonder datum"), ROWS[2]]
    changed = opened(renderer.plan_card(other_words, "Mijn plan"))
    assert changed.size == base.size
    diff = ImageChops.difference(base, changed).convert("L").point(lambda v: 255 if v > 60 else 0)
    box = diff.getbbox()
    tile = bands(base, 3)[1]
    assert box is not None
    assert box[0] > tile[2] and tile[1] - 20 < box[1] and box[3] < tile[3] + 20
    without_dates = opened(renderer.plan_card([(p, w, "") for p, w, _ in ROWS], "Mijn plan"))
    pills = count(near(base, render.DATE_TINT, 6))
    assert pills > 9000 and count(near(without_dates, render.DATE_TINT, 6)) < pills / 10


def test_long_words_wrap_to_two_lines_ending_in_an_ellipsis(renderer: PictureRenderer) -> None:
    lines, cut = renderer._wrap(LONG, 400, 36)
    assert cut and len(lines) == 2 and lines[-1].endswith("…")
    assert all(renderer._font(36).getlength(line) <= 400 for line in lines)
    assert not lines[-1].endswith(" …") and not lines[-1].endswith(",…")
    assert renderer._wrap("Kort", 400, 36) == (["Kort"], False)
    one_word, _ = renderer._wrap("Computervaardigheden" * 3, 300, 36)
    assert len(one_word) == 2 and one_word[-1].endswith("…")
    tall = renderer.plan_card([("rood", LONG, "vrijdag 6 maart")], "Mijn plan")
    short = renderer.plan_card([("rood", "Bellen", "vrijdag 6 maart")], "Mijn plan")
    assert tall.height > short.height  # room for the second line, not a third


def test_the_same_picture_may_stand_for_two_actions(renderer: PictureRenderer) -> None:
    card = renderer.plan_card([("rood", "Bellen", ""), ("rood", "Mailen", "")], "Mijn plan")
    assert count(near(opened(card), COLOURS["rood"])) > 6000


def test_eight_rows_stay_within_budget(renderer: PictureRenderer) -> None:
    rows: list[Row] = [
        (pid if n % 3 else None, f"{LONG[: 20 + 7 * n]}", "woensdag 30 september")
        for n, pid in enumerate(IDS[:8])
    ]
    card = renderer.plan_card(rows, "Mijn plan")
    with Image.open(card.path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
    assert card.width <= 960 and card.height <= 1800
    assert card.path.stat().st_size < 180_000
    assert card.path.name == f"{card.key}.jpg" and card.key.startswith("plan-")
    assert renderer.plan_card(rows[:1], "Mijn plan").height < card.height / 4


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_real_pictures_stay_within_budget(tmp_path: Path) -> None:
    real = load_manifest()
    renderer = PictureRenderer(real, tmp_path)
    ids = [picture.id for picture in real.pictures]
    for start in range(0, len(ids) - 7, 8):
        # the worst case: every row on two lines, every date long
        rows = [(pid, f"{LONG[:38]} {pid}", "woensdag 30 september") for pid in ids[start:][:8]]
        card = renderer.plan_card(rows, "Mijn plan")
        # detailed pictures on every row and every text on two lines: still a light photo
        assert card.width <= 960 and card.path.stat().st_size < 200_000, ids[start:][:8]
        short = [(pid, "Bellen", "vrijdag 6 maart") for pid in ids[start:][:8]]
        assert renderer.plan_card(short, "Mijn plan").path.stat().st_size < 120_000


def test_cache_hit_does_not_render_again(
    renderer: PictureRenderer, manifest: Manifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = renderer.plan_card(ROWS, "Mijn plan")
    written = first.path.stat().st_mtime_ns

    def fail(*args: object) -> Image.Image:
        raise AssertionError("rendered again")

    monkeypatch.setattr(PictureRenderer, "_draw_plan", fail)
    assert renderer.plan_card(ROWS, " Mijn plan ") == first
    spaced = [(pid, f" {words}  ", day) for pid, words, day in ROWS]
    assert renderer.plan_card(spaced, "Mijn plan") == first
    assert PictureRenderer(manifest, renderer.cache_dir).plan_card(ROWS, "Mijn plan") == first
    assert first.path.stat().st_mtime_ns == written


def test_key_follows_what_is_shown(renderer: PictureRenderer) -> None:
    base = renderer.plan_card(ROWS, "Mijn plan").key
    variants: list[list[Row]] = [
        [ROWS[0], (None, "Fietsen leren", "zonder datum"), ROWS[2]],
        [ROWS[0], (None, "Fietsen oefenen", "maandag 9 maart"), ROWS[2]],
        [ROWS[0], ("geel", "Fietsen oefenen", "zonder datum"), ROWS[2]],
        [ROWS[2], ROWS[1], ROWS[0]],
        ROWS[:2],
    ]
    keys = {renderer.plan_card(rows, "Mijn plan").key for rows in variants}
    keys.add(renderer.plan_card(ROWS, "Ons plan").key)
    assert base not in keys and len(keys) == len(variants) + 1
    assert base != renderer.collage(["rood", "blauw"], "Mijn plan").key


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.plan_card([], "Mijn plan"), "1 to 8"),
        (lambda r: r.plan_card([("rood", "Bellen", "")] * 9, "Mijn plan"), "1 to 8"),
        (lambda r: r.plan_card([("bestaat_niet", "Bellen", "")], "Mijn plan"), "unknown"),
        (lambda r: r.plan_card([("rood", "Bellen", ""), ("", "Mailen", "")], ""), "unknown"),
        (lambda r: r.plan_card([("rood", "  ", "vrijdag 6 maart")], "Mijn plan"), "words"),
    ],
)
def test_wrong_input_raises(
    renderer: PictureRenderer, call: Callable[[PictureRenderer], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(renderer)
    assert list(renderer.cache_dir.iterdir()) == []


def test_the_plan_hook(renderer: PictureRenderer) -> None:
    assert "plan" in IMAGE_HOOKS
    spec = ImageSpec(
        "plan",
        ("rood", "", "blauw"),
        title="Mijn plan",
        captions=tuple(f"{words}\n{day}" for _, words, day in ROWS),
    )
    assert render_image(renderer, spec) == renderer.plan_card(ROWS, "Mijn plan")
    no_date = ImageSpec("plan", ("rood",), captions=("Bellen",))
    assert render_image(renderer, no_date) == renderer.plan_card([("rood", "Bellen", "")], "")
    with pytest.raises(ValueError, match="one caption per picture"):
        render_image(renderer, ImageSpec("plan", ("rood", "blauw"), captions=("Bellen\n",)))
