"""The picture manifest: which pictures exist, their Dutch labels, tags, source and licence."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import yaml
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MANIFEST = PACKAGE_DIR / "manifest.yaml"


class ManifestError(ValueError):
    """A manifest that cannot be used, with a message a maintainer can act on."""


class PictureSource(BaseModel):
    """Where a picture comes from: one icon, or several composed into one picture."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    package: str
    version: str
    icons: tuple[str, ...] = Field(min_length=1, max_length=3)


class OwnPicture(BaseModel):
    """A picture of the organisation's own, e.g. a photo of one of its workplace tasks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    owner: str = Field(min_length=1, max_length=120)
    """Who made it or may use it, e.g. the organisation's name."""
    note: str = ""


class Picture(BaseModel):
    """One picture a participant can tap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,23}$")
    label: str = Field(min_length=1, max_length=24)
    tags: tuple[str, ...] = Field(min_length=1)
    file: str
    source: PictureSource | OwnPicture
    license: str


class Manifest(BaseModel):
    """All pictures of one folder, looked up by id or tag."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pictures: tuple[Picture, ...] = Field(min_length=1)
    base_dir: Path = Field(default=PACKAGE_DIR, exclude=True)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Manifest:
        seen: set[str] = set()
        for picture in self.pictures:
            if picture.id in seen:
                raise ValueError(f"picture id {picture.id!r} appears twice")
            seen.add(picture.id)
        return self

    @cached_property
    def _by_id(self) -> dict[str, Picture]:
        return {picture.id: picture for picture in self.pictures}

    def __contains__(self, picture_id: object) -> bool:
        return picture_id in self._by_id

    def get(self, picture_id: str) -> Picture:
        try:
            return self._by_id[picture_id]
        except KeyError:
            raise KeyError(f"unknown picture {picture_id!r}") from None

    def path(self, picture_id: str) -> Path:
        return self.base_dir / self.get(picture_id).file

    def with_tag(self, tag: str) -> tuple[Picture, ...]:
        return tuple(picture for picture in self.pictures if tag in picture.tags)

    def labels(self, picture_ids: Iterable[str]) -> list[str]:
        return [self.get(picture_id).label for picture_id in picture_ids]


def load_manifest(path: Path = DEFAULT_MANIFEST) -> Manifest:
    """Read and check a manifest; every picture file it names must exist."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ManifestError(f"{path}: cannot read the picture manifest ({error})") from error
    except yaml.YAMLError as error:
        raise ManifestError(f"{path}: not valid YAML ({error})") from error
    if not isinstance(raw, dict):
        raise ManifestError(f"{path}: expected a mapping with a 'pictures' list")
    try:
        manifest = Manifest.model_validate({**raw, "base_dir": path.parent})
    except ValidationError as error:
        raise ManifestError(f"{path}: {error}") from error
    missing = [p.file for p in manifest.pictures if not (path.parent / p.file).is_file()]
    if missing:
        raise ManifestError(f"{path}: picture files missing: {', '.join(missing)}")
    return manifest


OWN_MANIFEST = "manifest.yaml"
MAX_OWN_PICTURE_BYTES = 10 * 1024 * 1024


def load_picture_bank(own_folder: Path | None = None, bank: Path = DEFAULT_MANIFEST) -> Manifest:
    """The shipped pictures, and an organisation's own from `own_folder` (its manifest.yaml
    and picture files), checked so that a mistake is named before the bot starts."""
    shipped = load_manifest(bank)
    if own_folder is None:
        return shipped
    path = own_folder / OWN_MANIFEST
    if not path.is_file():
        raise ManifestError(f"{own_folder}: no {OWN_MANIFEST} in the folder of own pictures")
    own = load_manifest(path)
    problems = [
        f"picture id {picture.id!r} is already a picture of POP-bot; choose another id"
        for picture in own.pictures
        if picture.id in shipped
    ]
    for picture in own.pictures:
        problem = _unusable_image(own.path(picture.id))
        if problem:
            problems.append(f"{picture.file} (picture {picture.id!r}): {problem}")
    if problems:
        raise ManifestError(f"{path}: " + "; ".join(problems))
    own_pictures = tuple(
        picture.model_copy(update={"file": str(own.path(picture.id).resolve())})
        for picture in own.pictures
    )
    return Manifest(pictures=(*shipped.pictures, *own_pictures), base_dir=shipped.base_dir)


def _unusable_image(path: Path) -> str | None:
    """Why a picture file cannot be shown, or None when it can."""
    if path.stat().st_size > MAX_OWN_PICTURE_BYTES:
        return "larger than 10 MB; make it smaller"
    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        return f"not a picture Pillow can read ({type(error).__name__})"
    return None
