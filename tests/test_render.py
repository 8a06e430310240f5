"""Rendering pictures into JPEGs: what a participant sees, and the disk cache behind it."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from images import render
from images.manifest import DEFAULT_MANIFEST, Manifest, load_manifest
from images.render import PictureRenderer, RenderedImage

Pixel = tuple[int, int, int]
Box = tuple[int, int, int, int]
Mask = Image.Image  # mode L: 255 where a test holds

# One saturated, clearly non-green colour per test picture, so a picture can be found again
# in a render by its colour and the green "chosen" border cannot be confused with a picture.
COLOURS: dict[str, Pixel] = {
    "rood": (220, 40, 40),
    "blauw": (40, 70, 220),
    "geel": (240, 200, 30),
    "paars": (200, 40, 200),
    "oranje": (240, 130, 20),
    "violet": (120, 50, 190),
    "cyaan": (30, 180, 230),
    "limoen": (175, 205, 40),
    "roze": (250, 110, 170),
    "petrol": (0, 128, 128),
}
IDS = list(COLOURS)
LABELS = {pid: pid.capitalize() for pid in IDS} | {"rood": "Één café", "blauw": "Koken en bakken"}


def write_manifest(folder: Path, labels: dict[str, str] = LABELS) -> Path:
    """A small picture bank: transparent 512×512 PNGs, each a coloured disc with a little house."""
    (folder / "pictures").mkdir(parents=True, exist_ok=True)
    lines = ["pictures:"]
    for pid, colour in COLOURS.items():
        image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.ellipse((56, 56, 456, 456), fill=(*colour, 255), outline=(40, 40, 40, 255), width=12)
        draw.rectangle((190, 220, 320, 380), fill=(250, 250, 250, 255), outline=(40, 40, 40, 255))
        draw.polygon([(256, 100), (150, 220), (362, 220)], fill=(60, 60, 60, 255))
        image.save(folder / "pictures" / f"{pid}.png")
        lines += [
            f"  - id: {pid}",
            f'    label: "{labels[pid]}"',
            "    tags: [test]",
            f"    file: pictures/{pid}.png",
            "    source: {package: test, version: '1', icons: [test]}",
            "    license: MIT",
        ]
    path = folder / "manifest.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    return load_manifest(write_manifest(tmp_path / "bank"))


@pytest.fixture
def renderer(manifest: Manifest, tmp_path: Path) -> PictureRenderer:
    return PictureRenderer(manifest, tmp_path / "cache")


def opened(image: RenderedImage) -> Image.Image:
    with Image.open(image.path) as file:
        assert file.format == "JPEG"
        assert file.size == (image.width, image.height)
        return file.convert("RGB")


def near(image: Image.Image, colour: Pixel, tolerance: int = 30) -> Mask:
    """White where a pixel is within `tolerance` of `colour` in every channel."""
    r, g, b = (
        band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0)
        for band, c in zip(image.split(), colour, strict=True)
    )
    return ImageChops.darker(ImageChops.darker(r, g), b)


def green(image: Image.Image) -> Mask:
    """White where a pixel is clearly green (the colour of a chosen card)."""
    r, g, b = image.split()

    def over(band: Image.Image, limit: int) -> Image.Image:
        return band.point(lambda v: 255 if v > limit else 0)

    more = ImageChops.darker(
        over(ImageChops.subtract(g, r), 50), over(ImageChops.subtract(g, b), 50)
    )
    return ImageChops.darker(more, over(g, 90))


def count(mask: Mask, box: Box | None = None) -> int:
    return (mask.crop(box) if box else mask).histogram()[255]


def where(mask: Mask, box: Box | None = None) -> Box:
    """The bounding box (in the whole image) of the solid parts of `mask` inside `box`:
    stray pixels and thin lines (JPEG edges, text) are left out."""
    box = box or (0, 0, mask.width, mask.height)
    found = mask.crop(box).filter(ImageFilter.MinFilter(5)).getbbox()
    assert found is not None, "nothing found"
    return box[0] + found[0], box[1] + found[1], box[0] + found[2], box[1] + found[3]


def cells(image: Image.Image, cols: int, rows: int) -> list[Box]:
    """The image cut into equal cells, one per card (margins are the same all round)."""
    w, h = image.width // cols, image.height // rows
    return [(c * w, r * h, (c + 1) * w, (r + 1) * h) for r in range(rows) for c in range(cols)]


# -- grid -------------------------------------------------------------------------------


def test_grid_size_depends_on_count(tmp_path: Path) -> None:
    short = load_manifest(write_manifest(tmp_path / "bank", {pid: pid.title() for pid in IDS}))
    renderer = PictureRenderer(short, tmp_path / "cache")
    sizes = {n: renderer.grid(IDS[:n]) for n in (1, 2, 3, 4, 7, 9)}
    assert sizes[1].width < sizes[2].width < sizes[3].width <= 960
    # 1–3 pictures: one row, as tall as each other
    assert sizes[1].height == sizes[2].height == sizes[3].height
    assert sizes[4].width == sizes[7].width == sizes[9].width == sizes[3].width
    assert sizes[4].height > 1.8 * sizes[3].height
    assert sizes[9].height > 2.7 * sizes[3].height
    assert sizes[7].height == sizes[9].height


def test_selected_card_has_a_green_border_and_others_do_not(renderer: PictureRenderer) -> None:
    image = opened(renderer.grid(IDS[:3], selected={IDS[1]}))
    mask = green(image)
    left, middle, right = (count(mask, box) for box in cells(image, 3, 1))
    assert middle > 8000  # an 8 px border all round and the tick badge
    assert left < 50 and right < 50
    # a frame round the whole middle card, not just a spot
    x0, y0, x1, y1 = where(mask, cells(image, 3, 1)[1])
    assert x1 - x0 > 0.9 * image.width / 3 and y1 - y0 > 0.9 * image.height


def test_selection_in_a_nine_grid(renderer: PictureRenderer) -> None:
    image = opened(renderer.grid(IDS[:9], selected={IDS[0], IDS[8]}))
    greens = [count(green(image), box) for box in cells(image, 3, 3)]
    assert greens[0] > 8000 and greens[8] > 8000
    assert all(green < 50 for green in greens[1:8]), greens


def test_chosen_card_has_a_tinted_background_and_a_tick(renderer: PictureRenderer) -> None:
    plain = opened(renderer.grid(IDS[:1]))
    chosen = opened(renderer.grid(IDS[:1], selected=IDS[:1]))
    card = where(green(chosen))  # the green border
    assert card is not None and card[2] - card[0] > 0.85 * chosen.width
    # beside the label, inside the border: white when not chosen, light green when chosen
    spot = (card[0] + 24, card[3] - 30)
    r, g, b = plain.getpixel(spot)  # type: ignore[misc]
    assert min(r, g, b) > 240
    r, g, b = chosen.getpixel(spot)  # type: ignore[misc]
    assert g > r + 10 and g > b + 5 and min(r, g, b) > 180
    # the ✅: a green square in the top right corner, away from the border, with white in it
    badge = where(green(chosen), (card[2] - 100, card[1] + 12, card[2] - 12, card[1] + 100))
    assert badge[2] - badge[0] > 40 and badge[3] - badge[1] > 40
    inside = (badge[0] + 8, badge[1] + 8, badge[2] - 8, badge[3] - 8)
    assert count(near(chosen, (255, 255, 255), 40), inside) > 150
    assert count(green(plain), inside) == 0


def test_numbers_are_drawn_in_the_top_left_corner_of_each_card(renderer: PictureRenderer) -> None:
    one = opened(renderer.grid(IDS[:3]))
    ten = opened(renderer.grid(IDS[:3], first_number=10))
    diff = ImageChops.difference(one, ten).convert("L").point(lambda v: 255 if v > 40 else 0)
    for x0, y0, x1, y1 in cells(one, 3, 1):
        card_diff = diff.crop((x0, y0, x1, y1)).getbbox()
        assert card_diff is not None, "the number did not change"
        assert card_diff[2] < 0.45 * (x1 - x0) and card_diff[3] < 0.4 * (y1 - y0)
        badge = (x0, y0, x0 + 100, y0 + 100)
        assert count(near(one, render.NUMBER), badge) > 1000  # the navy badge


def test_every_picture_is_on_the_grid(renderer: PictureRenderer) -> None:
    image = opened(renderer.grid(IDS[:9]))
    for pid, box in zip(IDS[:9], cells(image, 3, 3), strict=True):
        assert count(near(image, COLOURS[pid]), box) > 5000, pid


def test_labels_are_drawn_with_their_accents(renderer: PictureRenderer, tmp_path: Path) -> None:
    with_accents = opened(renderer.grid(["rood"]))
    plain = load_manifest(write_manifest(tmp_path / "plain", LABELS | {"rood": "Een cafe"}))
    without = opened(PictureRenderer(plain, tmp_path / "cache2").grid(["rood"]))
    assert with_accents.size == without.size
    diff = ImageChops.difference(with_accents, without).convert("L").point(lambda v: v > 60 and 255)
    box = diff.getbbox()
    assert box is not None and box[1] > with_accents.height * 0.6  # only the label differs


def test_the_shipped_font_has_dutch_accents() -> None:
    assert render.FONT_PATH.is_file()
    assert render.FONT_PATH.parent == Path(render.__file__).resolve().parent / "fonts"
    assert (render.FONT_PATH.parent / "LICENSE-DejaVu.txt").is_file()
    font = ImageFont.truetype(str(render.FONT_PATH), 40)

    def glyph(char: str) -> bytes:
        image = Image.new("L", (60, 60))
        ImageDraw.Draw(image).text((10, 5), char, 255, font)
        return image.tobytes()

    missing = glyph("\ue000")  # a private-use character: the "no glyph" box
    for char, bare in zip("éëïÉ", "eeiE", strict=True):
        assert glyph(char) != missing and glyph(char) != glyph(bare), char


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.grid([]), "1 to 9"),
        (lambda r: r.grid(IDS), "1 to 9"),
        (lambda r: r.grid(["rood", "bestaat_niet"]), "unknown"),
        (lambda r: r.grid(["rood", "rood"]), "once"),
        (lambda r: r.grid(["rood"], first_number=-1), "negative"),
        (lambda r: r.picture("bestaat_niet"), "unknown"),
        (lambda r: r.collage([], "Mijn droompagina"), "1 to 8"),
        (lambda r: r.collage(IDS[:9], "Mijn droompagina"), "1 to 8"),
        (lambda r: r.collage(["bestaat_niet"], "Mijn droompagina"), "unknown"),
    ],
)
def test_wrong_input_raises(
    renderer: PictureRenderer, call: Callable[[PictureRenderer], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call(renderer)


# -- single picture and dream page --------------------------------------------------------


def test_single_picture_card(renderer: PictureRenderer) -> None:
    card = renderer.picture("petrol")
    image = opened(card)
    assert card.width == 480 and card.height < 700
    assert count(near(image, COLOURS["petrol"])) > 30000
    assert card.key != renderer.picture("rood").key


def test_a_question_about_a_picture_shows_it_above_its_answers(
    renderer: PictureRenderer,
) -> None:
    asked = renderer.about_grid("petrol", ["rood", "blauw"])
    image = opened(asked)
    about, red, blue = (where(near(image, COLOURS[pid])) for pid in ("petrol", "rood", "blauw"))
    assert about[3] < min(red[1], blue[1]), "the picture asked about is on top"
    assert red[2] < blue[0], "the answers side by side, in order"
    assert renderer.about_grid("petrol", ["rood", "blauw"], {"blauw"}).key != asked.key
    assert count(green(opened(renderer.about_grid("petrol", ["rood", "blauw"], {"blauw"})))) > 0


def test_dream_page_sizes_and_pictures(renderer: PictureRenderer) -> None:
    one = renderer.collage(IDS[:1], "Mijn droompagina")
    eight = renderer.collage(IDS[:8], "Mijn droompagina")
    assert one.width == eight.width == 960
    assert one.height < eight.height <= 1600
    image = opened(eight)
    for pid in IDS[:8]:
        assert count(near(image, COLOURS[pid])) > 5000, pid
    r, _, b = image.getpixel((image.width // 2, 8))  # type: ignore[misc]
    assert r > b + 30  # a warm background
    assert eight.path.stat().st_size < 150_000


def test_dream_page_layout_changes_with_count(renderer: PictureRenderer) -> None:
    heights = {n: renderer.collage(IDS[:n], "Mijn droompagina").height for n in range(1, 9)}
    assert len(set(heights.values())) >= 3
    assert all(height <= 1600 for height in heights.values())

    def spots(n: int) -> list[tuple[int, int, int, int]]:
        image = opened(renderer.collage(IDS[:n], "Mijn droompagina"))
        return [where(near(image, COLOURS[pid])) for pid in IDS[:n]]

    def one_row(boxes: list[Box]) -> int:
        tops = [box[1] for box in boxes]
        assert max(tops) - min(tops) < 8, tops
        assert all(a[2] < b[0] for a, b in itertools.pairwise(boxes))  # left to right
        return min(tops)

    # three: not a row with a hole, but one in the middle on top and two below
    first, *below = spots(3)
    assert abs((first[0] + first[2]) / 2 - 480) < 12
    assert first[3] < one_row(below)
    # eight: rows of 3, 2 and 3; the middle row sits between the columns of the others
    boxes = spots(8)
    assert one_row(boxes[:3]) < one_row(boxes[3:5]) < one_row(boxes[5:])
    middle = [(box[0] + box[2]) / 2 for box in boxes]
    assert abs(middle[3] - (middle[0] + middle[1]) / 2) < 12
    assert abs(middle[4] - (middle[1] + middle[2]) / 2) < 12


def test_dream_page_title_is_part_of_the_key(renderer: PictureRenderer) -> None:
    mine = renderer.collage(IDS[:2], "Mijn droompagina")
    assert renderer.collage(IDS[:2], "  Mijn droompagina ").key == mine.key
    other = renderer.collage(IDS[:2], "Droompagina van Fatima")
    assert other.key != mine.key
    assert renderer.collage(IDS[:2], "").height < mine.height


# -- output format and size -----------------------------------------------------------------


def test_output_is_rgb_jpeg_within_budget(renderer: PictureRenderer) -> None:
    grid = renderer.grid(IDS[:9], selected=IDS[:3])
    with Image.open(grid.path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
    assert grid.width <= 960
    assert grid.path.stat().st_size < 150_000
    assert grid.path.parent == renderer._cache_dir
    assert grid.path.name == f"{grid.key}.jpg" and grid.key.startswith("grid-")


@pytest.mark.skipif(not DEFAULT_MANIFEST.is_file(), reason="the real picture bank is not built")
def test_real_pictures_stay_within_budget(tmp_path: Path) -> None:
    real = load_manifest()
    renderer = PictureRenderer(real, tmp_path)
    ids = [picture.id for picture in real.pictures]
    for start in range(0, len(ids) - 8, 9):
        grid = renderer.grid(ids[start : start + 9], selected=ids[start : start + 2])
        assert grid.path.stat().st_size < 150_000, ids[start : start + 9]
    dream = renderer.collage(ids[:8], "Mijn droompagina")
    assert dream.width <= 960 and dream.path.stat().st_size < 150_000


# -- the cache ------------------------------------------------------------------------------


def test_cache_hit_does_not_render_again(
    renderer: PictureRenderer, manifest: Manifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = renderer.grid(IDS[:4], selected={"rood"})
    written = first.path.stat().st_mtime_ns

    def fail(*args: object) -> Image.Image:
        raise AssertionError("rendered again")

    monkeypatch.setattr(PictureRenderer, "_draw_grid", fail)
    again = renderer.grid(IDS[:4], selected=["rood"])
    assert again == first
    # another process (a new renderer on the same folder) finds it too
    assert PictureRenderer(manifest, renderer._cache_dir).grid(IDS[:4], {"rood"}) == first
    assert first.path.stat().st_mtime_ns == written


def test_key_follows_what_is_shown(renderer: PictureRenderer, tmp_path: Path) -> None:
    base = renderer.grid(IDS[:4], selected={"rood"})
    assert renderer.grid(IDS[:4], selected={"blauw"}).key != base.key
    assert renderer.grid(IDS[:4]).key != base.key
    assert renderer.grid(IDS[:4], selected={"rood"}, first_number=5).key != base.key
    assert renderer.grid(list(reversed(IDS[:4])), selected={"rood"}).key != base.key
    # pictures chosen on another page do not change this page
    assert renderer.grid(IDS[:4], selected={"rood", "roze"}).key == base.key
    # a new label, or a redrawn picture file, makes a new image
    relabelled = load_manifest(write_manifest(tmp_path / "relabelled", LABELS | {"geel": "Zon"}))
    assert PictureRenderer(relabelled, tmp_path / "c2").grid(IDS[:4], {"rood"}).key != base.key
    redrawn = load_manifest(write_manifest(tmp_path / "redrawn"))
    Image.new("RGBA", (512, 512), (9, 9, 9, 255)).save(redrawn.path("blauw"))
    assert PictureRenderer(redrawn, tmp_path / "c3").grid(IDS[:4], {"rood"}).key != base.key
    # kinds never share a key
    assert renderer.picture("rood").key != renderer.collage(["rood"], "").key


def test_each_source_png_is_read_once(
    renderer: PictureRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    original = Path.read_bytes

    def counting(path: Path) -> bytes:
        reads.append(path.name)
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", counting)
    renderer.grid(IDS[:9])
    renderer.grid(IDS[:9], selected={"rood"})
    renderer.picture("rood")
    renderer.collage(IDS[:8], "Mijn droompagina")
    assert sorted(reads) == sorted(f"{pid}.png" for pid in IDS[:9])


def test_concurrent_requests_render_once(
    renderer: PictureRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    lock = threading.Lock()
    original = PictureRenderer._draw_collage

    def counted(self: PictureRenderer, ids: list[str], title: str) -> Image.Image:
        with lock:
            calls.append(1)
        return original(self, ids, title)

    monkeypatch.setattr(PictureRenderer, "_draw_collage", counted)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: renderer.collage(IDS[:5], "Samen"), range(8)))
        others = list(pool.map(lambda n: renderer.grid(IDS[: n + 1]), range(8)))
    assert len(set(results)) == 1 and len(calls) == 1
    assert len({image.key for image in others}) == 8
    for image in [*results, *others]:
        opened(image)
    assert not [p for p in renderer._cache_dir.iterdir() if p.suffix != ".jpg"]


def test_failed_write_leaves_no_file(
    renderer: PictureRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Image.Image, fp: object, *args: object, **kwargs: object) -> None:
        fp.write(b"\xff\xd8half a jpeg")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        renderer.grid(IDS[:2])
    assert list(renderer._cache_dir.iterdir()) == []
    monkeypatch.undo()
    assert opened(renderer.grid(IDS[:2])).width > 0


def test_pruning_deletes_images_unused_for_long_and_keeps_those_in_use(
    renderer: PictureRenderer,
) -> None:
    old, used, fresh = (renderer.grid(IDS[:n]) for n in (1, 2, 3))
    long_ago = time.time() - timedelta(days=40).total_seconds()
    for image in (old, used):
        os.utime(image.path, (long_ago, long_ago))
    assert renderer.grid(IDS[:2]) == used  # asked for again: in use
    assert renderer.prune(timedelta(days=30)) == 1
    assert not old.path.exists() and used.path.exists() and fresh.path.exists()
    again = renderer.grid(IDS[:1])
    assert again.key == old.key and again.path.exists(), "made again when asked for"


def test_a_grid_can_carry_the_words_of_answers_instead_of_the_pictures_own(
    renderer: PictureRenderer,
) -> None:
    own = renderer.grid(["rood", "blauw"])
    answered = renderer.grid(["rood", "blauw"], labels=["Ja", "Nee"])
    assert answered.key != own.key, "other words, another picture"
    assert renderer.grid(["rood", "blauw"], labels=["Ja", "Nee"]) == answered
    difference = ImageChops.difference(opened(own), opened(answered)).getbbox()
    assert difference is not None and difference[1] > own.height // 2, "only the words differ"
    with pytest.raises(ValueError, match="one label per picture"):
        renderer.grid(["rood", "blauw"], labels=["Ja"])
