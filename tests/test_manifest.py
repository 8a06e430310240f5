"""The shipped picture bank (images/manifest.yaml, images/pictures/) and load_manifest's errors.

Needs neither the internet, node/npm nor resvg: it only reads the committed files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from images.manifest import (
    DEFAULT_MANIFEST,
    Manifest,
    ManifestError,
    Picture,
    PictureSource,
    load_manifest,
    load_picture_bank,
)
from images.render import PictureRenderer

IMAGES_DIR = DEFAULT_MANIFEST.parent


def fluent(picture: Picture) -> PictureSource:
    """The shipped pictures all come from Fluent Emoji."""
    assert isinstance(picture.source, PictureSource), picture.id
    return picture.source


SPEC = IMAGES_DIR / "tools" / "pictures.yaml"
LICENSE = IMAGES_DIR / "LICENSE-fluent-emoji.txt"

# Size budget: a picture is sent to Telegram and drawn into collages; pngquant keeps them small.
MAX_PICTURE_BYTES = 64 * 1024
MAX_TOTAL_BYTES = 6 * 1024 * 1024  # the bank of about 170 pictures is about 4.5 MiB
MAX_LABEL_CHARS = 12  # labels are printed big under the pictures
PAGE = 9  # dream pictures shown per page

# Concepts the Droompagina must offer, and the picture that shows each one.
LIFE = {
    "home": "home",
    "family": "family",
    "children": "children",
    "friends": "friends",
    "money": "money",
    "diploma": "diploma",
    "learning": "learn",
    "travel": "travel",
    "health": "health",
    "sport": "sport",
    "music": "music",
    "animals": "animals",
    "car": "car",
    "bicycle": "bicycle",
    "own business": "own_business",
}
WORK = {
    "kitchen": "work_kitchen",
    "cleaning": "work_cleaning",
    "green work": "work_garden",
    "factory": "work_factory",
    "warehouse": "work_warehouse",
    "shop": "work_shop",
    "driving": "work_driving",
    "care": "work_care",
    "construction": "work_construction",
    "office": "work_office",
    "repair": "work_repair",
    "sewing": "work_sewing",
}
# Concepts without one good emoji: drawn from several people.
MUST_BE_COMPOSED = ("family", "friends", "children")

# The Droompagina's pictures in page order (the engine pages a tag in manifest order): adding,
# removing or moving one changes its pages and the golden transcript.
DROOM_IDS = (
    "home",
    "family",
    "children",
    "friends",
    "love",
    "help_others",
    "money",
    "own_business",
    "diploma",
    "learn",
    "dutch",
    "phone",
    "driving_licence",
    "car",
    "bicycle",
    "travel",
    "health",
    "sport",
    "swimming",
    "music",
    "party",
    "animals",
    "cook_home",
    "rest",
    "own_time",
    "work_kitchen",
    "work_horeca",
    "work_cleaning",
    "work_garden",
    "work_factory",
    "work_warehouse",
    "work_shop",
    "work_driving",
    "work_care",
    "work_construction",
    "work_office",
    "work_repair",
    "work_electrician",
    "work_sewing",
    "work_baking",
    "work_hairdresser",
    "work_farming",
    "work_painting",
    "work_computer",
    "work_childcare",
)
# The Prentenbeeld ("who am I", handbook 5.11): pictures a person can say "this fits me" about.
PRENTENBEELD_PAGES = 3
MIN_QUALITIES = 10  # pictures tagged kwaliteit (qualities and talents) among them


@pytest.fixture(scope="module")
def bank() -> Manifest:
    return load_manifest()


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    raw = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


# --- the shipped bank -----------------------------------------------------------------------


def test_shipped_manifest_loads_with_source_and_licence(bank: Manifest) -> None:
    for picture in bank.pictures:
        assert picture.file == f"pictures/{picture.id}.png"
        assert fluent(picture).package == "@iconify-json/fluent-emoji"
        assert fluent(picture).version == "1.2.7"
        assert picture.license == "MIT"


def test_enough_dream_pictures_to_fill_four_pages(bank: Manifest) -> None:
    assert len(bank.with_tag("droom")) >= 4 * PAGE


@pytest.mark.parametrize(("concept", "picture_id"), sorted(LIFE.items()))
def test_each_life_concept_has_a_dream_picture(
    bank: Manifest, concept: str, picture_id: str
) -> None:
    assert picture_id in bank, f"no picture for {concept}"
    assert "droom" in bank.get(picture_id).tags


@pytest.mark.parametrize(("concept", "picture_id"), sorted(WORK.items()))
def test_each_kind_of_work_has_a_dream_picture_tagged_werk(
    bank: Manifest, concept: str, picture_id: str
) -> None:
    assert picture_id in bank, f"no picture for work: {concept}"
    assert {"droom", "werk"} <= set(bank.get(picture_id).tags)


def test_labels_are_short_and_tell_pictures_apart(bank: Manifest) -> None:
    too_long = [p.label for p in bank.pictures if len(p.label) > MAX_LABEL_CHARS]
    assert not too_long, f"labels longer than {MAX_LABEL_CHARS} characters: {too_long}"
    labels = [p.label.casefold() for p in bank.pictures]
    assert len(labels) == len(set(labels)), "two pictures share a label"


def test_every_picture_is_512_square_transparent_and_small(bank: Manifest) -> None:
    total = 0
    for picture in bank.pictures:
        path = bank.path(picture.id)
        size = path.stat().st_size
        total += size
        assert size <= MAX_PICTURE_BYTES, f"{path.name} is {size} bytes"
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (512, 512), path.name
            assert image.mode == "RGBA" or "transparency" in image.info, path.name
            alpha = image.convert("RGBA").getchannel("A")
        corners = [alpha.getpixel(xy) for xy in ((0, 0), (511, 0), (0, 511), (511, 511))]
        assert corners == [0, 0, 0, 0], f"{path.name}: corners are not transparent"
        assert alpha.getextrema() == (0, 255), f"{path.name}: no fully opaque drawing"
        # nothing drawn is cut off at the edge of the picture
        edges = [(0, 0, 512, 1), (0, 511, 512, 512), (0, 0, 1, 512), (511, 0, 512, 512)]
        assert all(alpha.crop(box).getextrema() == (0, 0) for box in edges), path.name
    assert total <= MAX_TOTAL_BYTES, f"the picture bank is {total} bytes"


def test_no_picture_file_is_left_out_of_the_manifest(bank: Manifest) -> None:
    on_disk = {path.name for path in (IMAGES_DIR / "pictures").glob("*.png")}
    assert on_disk == {Path(picture.file).name for picture in bank.pictures}


def test_manifest_is_generated_from_the_spec(bank: Manifest, spec: dict[str, Any]) -> None:
    """Someone who edits pictures.yaml must also run `make pictures`."""
    wanted = [
        (entry["id"], entry["label"], tuple(entry["tags"]), tuple(entry["icons"]))
        for entry in spec["pictures"]
    ]
    shipped = [(p.id, p.label, p.tags, fluent(p).icons) for p in bank.pictures]
    assert shipped == wanted
    assert {fluent(p).version for p in bank.pictures} == {spec["source"]["version"]}


def test_composed_pictures_list_every_icon_they_use(bank: Manifest, spec: dict[str, Any]) -> None:
    composed = {entry["id"] for entry in spec["pictures"] if "layout" in entry}
    assert set(MUST_BE_COMPOSED) <= composed
    for picture_id in composed:
        icons = fluent(bank.get(picture_id)).icons
        assert len(icons) >= 2, picture_id
        assert len(set(icons)) == len(icons), picture_id


def test_licence_file_names_microsoft_and_what_it_covers() -> None:
    text = LICENSE.read_text(encoding="utf-8")
    assert "Copyright (c) Microsoft Corporation" in text
    assert "MIT License" in text
    assert "images/pictures/" in text


def test_droom_set_is_unchanged(bank: Manifest) -> None:
    assert tuple(p.id for p in bank.with_tag("droom")) == DROOM_IDS


def test_prentenbeeld_fills_three_pages_with_qualities_and_interests(bank: Manifest) -> None:
    pictures = bank.with_tag("prentenbeeld")
    assert len(pictures) >= PRENTENBEELD_PAGES * PAGE
    qualities = [p.id for p in pictures if "kwaliteit" in p.tags]
    assert len(qualities) >= MIN_QUALITIES, qualities
    # a mix of work and non-work, besides the qualities
    others = [p for p in pictures if "kwaliteit" not in p.tags]
    assert any("werk" in p.tags for p in others)
    assert any("werk" not in p.tags for p in others)


def test_every_quality_is_on_the_prentenbeeld_and_not_on_the_droompagina(bank: Manifest) -> None:
    for picture in bank.with_tag("kwaliteit"):
        assert "prentenbeeld" in picture.tags, picture.id
        assert "droom" not in picture.tags, picture.id


def test_prentenbeeld_labels_are_short_and_unique(bank: Manifest) -> None:
    labels = [p.label for p in bank.with_tag("prentenbeeld")]
    assert all(len(label) <= MAX_LABEL_CHARS for label in labels), labels
    folded = [label.casefold() for label in labels]
    assert len(folded) == len(set(folded)), labels


# --- load_manifest's errors -----------------------------------------------------------------


def _entry(picture_id: str) -> dict[str, Any]:
    return {
        "id": picture_id,
        "label": picture_id.title(),
        "tags": ["droom"],
        "file": f"pictures/{picture_id}.png",
        "source": {"package": "@iconify-json/fluent-emoji", "version": "1.2.7", "icons": ["x"]},
        "license": "MIT",
    }


def _write(tmp_path: Path, entries: list[dict[str, Any]], *, draw: tuple[str, ...]) -> Path:
    (tmp_path / "pictures").mkdir(exist_ok=True)
    for name in draw:
        Image.new("RGBA", (512, 512), (0, 0, 0, 0)).save(tmp_path / "pictures" / f"{name}.png")
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump({"pictures": entries}), encoding="utf-8")
    return path


def test_a_small_valid_manifest_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("sea"), _entry("cat")], draw=("sea", "cat"))
    manifest = load_manifest(path)
    assert manifest.labels(["cat", "sea"]) == ["Cat", "Sea"]
    assert manifest.path("sea") == tmp_path / "pictures" / "sea.png"


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("sea"), _entry("cat"), _entry("sea")], draw=("sea", "cat"))
    with pytest.raises(ManifestError, match=r"'sea' appears twice"):
        load_manifest(path)


def test_a_missing_picture_file_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("sea"), _entry("cat")], draw=("sea",))
    with pytest.raises(ManifestError, match=r"picture files missing: pictures/cat\.png"):
        load_manifest(path)


def test_invalid_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text("pictures:\n  - id: sea\n    tags: [droom\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid YAML"):
        load_manifest(path)


@pytest.mark.parametrize("bad_id", ["Sea", "1sea", "sea-view", "a_very_long_picture_id_too_long"])
def test_a_bad_id_is_refused_and_named(tmp_path: Path, bad_id: str) -> None:
    entry = {**_entry("sea"), "id": bad_id}
    path = _write(tmp_path, [entry], draw=("sea",))
    with pytest.raises(ManifestError, match=r"pictures\.0\.id") as caught:
        load_manifest(path)
    assert bad_id in str(caught.value)


# ----- an organisation's own pictures (POPBOT_IMAGES_DIR) -----------------------------------


def _own_folder(
    tmp_path: Path, entries: list[dict[str, object]], photo: bytes | None = None
) -> Path:
    """A folder with a photo 'kassa.jpg' and a manifest listing `entries`."""
    folder = tmp_path / "eigen"
    folder.mkdir()
    if photo is None:
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), (200, 120, 40)).save(buffer, "JPEG")
        photo = buffer.getvalue()
    (folder / "kassa.jpg").write_bytes(photo)
    (folder / "manifest.yaml").write_text(
        yaml.safe_dump({"pictures": entries}, allow_unicode=True), encoding="utf-8"
    )
    return folder


OWN_ENTRY: dict[str, object] = {
    "id": "own_checkout",
    "label": "Kassa",
    "tags": ["droom", "werk"],
    "file": "kassa.jpg",
    "source": {"owner": "Maatwerkbedrijf De Schakel", "note": "foto van onze winkel"},
    "license": "eigendom van De Schakel",
}


def test_own_pictures_join_the_bank_and_their_tags(tmp_path: Path) -> None:
    bank = load_picture_bank(_own_folder(tmp_path, [OWN_ENTRY]))
    shipped = load_manifest()
    assert len(bank.pictures) == len(shipped.pictures) + 1
    assert bank.get("own_checkout").label == "Kassa"
    assert bank.path("own_checkout").read_bytes()[:2] == b"\xff\xd8"
    assert [p.id for p in bank.with_tag("droom")][-1] == "own_checkout"
    assert bank.path("home") == shipped.path("home")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"id": "home"}, "picture id 'home' is already a picture of POP-bot"),
        ({"file": "weg.jpg"}, "picture files missing: weg.jpg"),
        ({"source": {"package": "x"}}, "source"),
        ({"label": ""}, "label"),
    ],
)
def test_a_broken_own_picture_is_named(
    tmp_path: Path, change: dict[str, object], problem: str
) -> None:
    folder = _own_folder(tmp_path, [{**OWN_ENTRY, **change}])
    with pytest.raises(ManifestError) as caught:
        load_picture_bank(folder)
    assert str(caught.value).startswith(str(folder / "manifest.yaml"))
    assert problem in str(caught.value)


def test_a_file_that_is_no_picture_is_named(tmp_path: Path) -> None:
    folder = _own_folder(tmp_path, [OWN_ENTRY], photo=b"this is not a photo")
    with pytest.raises(
        ManifestError, match=r"kassa\.jpg \(picture 'own_checkout'\): not a picture"
    ):
        load_picture_bank(folder)


def test_a_folder_without_a_manifest_is_named(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"no manifest\.yaml in the folder of own pictures"):
        load_picture_bank(tmp_path)


def test_an_own_photo_is_drawn_in_the_grid(tmp_path: Path) -> None:
    bank = load_picture_bank(_own_folder(tmp_path, [OWN_ENTRY]))
    grid = PictureRenderer(bank, tmp_path / "cache").grid(["home", "own_checkout"])
    with Image.open(grid.path) as drawn:
        rgb = drawn.convert("RGB")
    red, green, blue = (rgb.getchannel(band).tobytes() for band in "RGB")
    photo_like = sum(
        1
        for r, g, b in zip(red, green, blue, strict=True)
        if abs(r - 200) + abs(g - 120) + abs(b - 40) < 30
    )
    assert photo_like > 10_000, "the orange photo fills its card"
