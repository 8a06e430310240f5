"""The picture manifest: which pictures exist, their Dutch labels, tags, source and licence."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import yaml
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


class Picture(BaseModel):
    """One picture a participant can tap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,23}$")
    label: str = Field(min_length=1, max_length=24)
    tags: tuple[str, ...] = Field(min_length=1)
    file: str
    source: PictureSource
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
