"""Turning picture ids into JPEG images to send: numbered grids, single cards, a dream page
and a plan card.

Every image is cached on disk under a key made of everything that shapes it (so the same
request never renders twice, and the key can name an upload elsewhere). Bump RENDER_VERSION
whenever the drawing changes (here, in images/drawing.py, images/layouts.py or
images/plan_card.py), so old cached images are not reused.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageFont, ImageOps

from images.drawing import BACKGROUND, FONT_PATH, NUMBER, SOFT_HYPHEN, Lettering, PastePicture
from images.layouts import draw_collage, draw_grid, draw_single
from images.manifest import Manifest
from images.me_card import GROWING_WORDS, MAX_ME, ME_LAYOUT, STRONG_WORDS, draw_me_card
from images.plan_card import BADGE_TINT, DATE_TINT, MAX_PLAN_ROWS, PLAN_W, PlanRow, draw_plan

__all__ = [
    "BADGE_TINT",
    "DATE_TINT",
    "FONT_PATH",
    "JPEG_QUALITY",
    "MAX_COLLAGE",
    "MAX_GRID",
    "MAX_PLAN_ROWS",
    "NUMBER",
    "PLAN_W",
    "RENDER_VERSION",
    "SOFT_HYPHEN",
    "PictureRenderer",
    "RenderedImage",
]

RENDER_VERSION = 1
MAX_GRID, MAX_COLLAGE, JPEG_QUALITY = 9, 8, 80
SCALED_CACHE_SIZE = 96
LANCZOS = Image.Resampling.LANCZOS


@dataclass(frozen=True)
class RenderedImage:
    """One rendered JPEG in the cache; `key` is the same for the same content everywhere."""

    key: str
    path: Path
    width: int
    height: int


class PictureRenderer:
    """Renders pictures of one manifest into cached JPEGs. Safe to call from several threads."""

    def __init__(self, manifest: Manifest, cache_dir: Path) -> None:
        self._manifest = manifest
        self._cache_dir = cache_dir
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._source_lock = threading.Lock()
        self._render_lock = threading.Lock()  # fonts and scaled pictures are only used under it
        self._sources: dict[str, tuple[bytes, str]] = {}  # id -> (PNG bytes, sha256)
        self._scaled: dict[tuple[str, int], Image.Image] = {}
        self._letters = Lettering()

    @property
    def cache_dir(self) -> Path:
        """Where the rendered JPEGs are kept, named `<key>.jpg`."""
        return self._cache_dir

    def grid(
        self,
        picture_ids: Sequence[str],
        selected: Collection[str] = (),
        first_number: int = 1,
        labels: Sequence[str] = (),
    ) -> RenderedImage:
        """Numbered cards in up to three columns; chosen ones with a green border and a tick.

        `selected` may name pictures not on this grid (chosen on another page); they are ignored.
        `labels`, one per picture, replace the pictures' own words (e.g. the words of answers).
        """
        ids = self._checked(picture_ids, MAX_GRID, "a grid")
        if first_number < 0:
            raise ValueError(f"first_number must not be negative, got {first_number}")
        if labels and len(labels) != len(ids):
            raise ValueError(f"a grid needs one label per picture, got {len(labels)}")
        chosen = frozenset(selected) & frozenset(ids)
        words = list(labels) or self._labels(ids)
        key = self._key("grid", ids, sorted(chosen), first_number, *([words] if labels else []))
        return self._cached(key, lambda: self._draw_grid(ids, chosen, first_number, words))

    def picture(self, picture_id: str) -> RenderedImage:
        """One picture with its label on a small card."""
        ids = self._checked([picture_id], 1, "a card")
        return self._cached(self._key("card", ids), lambda: self._draw_single(ids[0]))

    def about_grid(
        self,
        subject: str,
        picture_ids: Sequence[str],
        selected: Collection[str] = (),
        labels: Sequence[str] = (),
    ) -> RenderedImage:
        """A question about one picture, answered with pictures: its card over the
        numbered grid of the answers (e.g. "where does this belong?"), `labels` as in grid."""
        (about,) = self._checked([subject], 1, "a card")
        ids = self._checked(picture_ids, MAX_GRID, "a grid")
        if labels and len(labels) != len(ids):
            raise ValueError(f"a grid needs one label per picture, got {len(labels)}")
        chosen = frozenset(selected) & frozenset(ids)
        words = list(labels) or self._labels(ids)
        key = self._key("about", [about, *ids], sorted(chosen), *([words] if labels else []))
        return self._cached(key, lambda: self._draw_about(about, ids, chosen, words))

    def collage(self, picture_ids: Sequence[str], title: str) -> RenderedImage:
        """The dream page: a title over 1–8 pictures in centred rows on a warm background."""
        ids, title = self._checked(picture_ids, MAX_COLLAGE, "a dream page"), title.strip()
        return self._cached(self._key("dream", ids, title), lambda: self._draw_collage(ids, title))

    def plan_card(self, rows: Sequence[PlanRow], title: str) -> RenderedImage:
        """An action plan: a title over 1–8 rows of (picture id or None, a few words, a date
        text), numbered from 1. A row without a picture gets a numbered tile instead; the
        words wrap to two lines at most (ending in "…" when longer); an empty date text
        shows no date."""
        if not 1 <= len(rows) <= MAX_PLAN_ROWS:
            raise ValueError(f"a plan card needs 1 to {MAX_PLAN_ROWS} rows, got {len(rows)}")
        cleaned = [
            (pid, " ".join(words.split()), " ".join(day.split())) for pid, words, day in rows
        ]
        if any(not words for _, words, _ in cleaned):
            raise ValueError("every row of a plan card needs words")
        ids = list(dict.fromkeys(pid for pid, _, _ in cleaned if pid is not None))
        unknown = [pid for pid in ids if pid not in self._manifest]
        if unknown:
            raise ValueError(f"unknown picture ids: {', '.join(map(repr, unknown))}")
        title = title.strip()
        key = self._key("plan", ids, [list(row) for row in cleaned], title)
        return self._cached(key, lambda: self._draw_plan(cleaned, title))

    def me_card(
        self, picture_ids: Sequence[str], strong: Collection[str], title: str
    ) -> RenderedImage:
        """The "Dit ben ik" picture: `title` (none when empty) over 1–8 pictures in two
        groups, the `strong` ones ("Hier ben ik sterk in", each of them among `picture_ids`)
        and the others ("Hier wil ik in groeien"), each on a tinted panel under a drawn
        symbol; an empty group is left out. Within a group the pictures keep their order."""
        ids, title = self._checked(picture_ids, MAX_ME, "a me card"), title.strip()
        chosen = frozenset(strong)
        stray = sorted(chosen - frozenset(ids))
        if stray:
            raise ValueError(f"strong pictures must be among the pictures: {stray}")
        marks = [pid in chosen for pid in ids]
        key = self._key("me", ids, marks, title, ME_LAYOUT, STRONG_WORDS, GROWING_WORDS)
        return self._cached(key, lambda: self._draw_me(ids, chosen, title))

    def label(self, picture_id: str) -> str:
        """The word under a picture of the bank."""
        return self._manifest.get(picture_id).label

    def drawn(
        self,
        kind: str,
        picture_ids: Sequence[str],
        shaped_by: object,
        draw: Callable[[Lettering, PastePicture], Image.Image],
    ) -> RenderedImage:
        """A picture drawn elsewhere (a result card), cached like the others. `picture_ids`
        are the pictures it shows (may repeat, or be none); `shaped_by` is everything else that
        changes it (its layout number, words, values: JSON-able), so it is part of the key."""
        ids = list(dict.fromkeys(picture_ids))
        unknown = [pid for pid in ids if pid not in self._manifest]
        if unknown:
            raise ValueError(f"unknown picture ids: {', '.join(map(repr, unknown))}")
        key = self._key(kind, ids, shaped_by)
        return self._cached(key, lambda: draw(self._letters, self._paste_picture))

    # -- inputs, keys and the disk cache ------------------------------------------------

    def _checked(self, picture_ids: Sequence[str], most: int, what: str) -> list[str]:
        ids = list(picture_ids)
        if not 1 <= len(ids) <= most:
            raise ValueError(f"{what} needs 1 to {most} pictures, got {len(ids)}")
        unknown = [pid for pid in ids if pid not in self._manifest]
        if unknown:
            raise ValueError(f"unknown picture ids: {', '.join(map(repr, unknown))}")
        if len(set(ids)) != len(ids):
            raise ValueError(f"{what} shows each picture once, got {ids}")
        return ids

    def _key(self, kind: str, ids: list[str], *extra: object) -> str:
        pictures = [(pid, self._manifest.get(pid).label, self._source(pid)[1]) for pid in ids]
        payload = json.dumps([RENDER_VERSION, kind, pictures, *extra], ensure_ascii=False)
        return f"{kind}-{hashlib.sha256(payload.encode()).hexdigest()[:24]}"

    def _source(self, picture_id: str) -> tuple[bytes, str]:
        with self._source_lock:
            if picture_id not in self._sources:
                data = self._manifest.path(picture_id).read_bytes()
                self._sources[picture_id] = (data, hashlib.sha256(data).hexdigest())
            return self._sources[picture_id]

    def prune(self, unused_for: timedelta) -> int:
        """Delete cached images nobody asked for in `unused_for`; returns how many. They are
        made again when asked for (and Telegram keeps the ones it has by file_id)."""
        cutoff = time.time() - unused_for.total_seconds()
        pruned = 0
        for path in self._cache_dir.glob("*.jpg"):
            with contextlib.suppress(FileNotFoundError):
                seen = path.stat()
                if max(seen.st_atime, seen.st_mtime) < cutoff:
                    path.unlink()
                    pruned += 1
        return pruned

    def _cached(self, key: str, draw: Callable[[], Image.Image]) -> RenderedImage:
        path = self._cache_dir / f"{key}.jpg"
        found = _existing(key, path)
        if found is not None:
            with contextlib.suppress(OSError):
                # In use: keep it when the cache is pruned (the access time, not the content's).
                os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
        if found is None:
            with self._render_lock:
                found = _existing(key, path)  # another thread may have just written it
                if found is None:
                    image = draw()
                    _write_jpeg(image, path)
                    found = RenderedImage(key, path, image.width, image.height)
        return found

    # -- drawing (only under the render lock) -------------------------------------------

    def _draw_grid(
        self, ids: list[str], chosen: frozenset[str], first_number: int, labels: list[str]
    ) -> Image.Image:
        return draw_grid(ids, labels, chosen, first_number, self._letters, self._paste_picture)

    def _draw_single(self, pid: str) -> Image.Image:
        label = self._manifest.get(pid).label
        return draw_single(pid, label, self._letters, self._paste_picture)

    def _draw_about(
        self, about: str, ids: list[str], chosen: frozenset[str], labels: list[str]
    ) -> Image.Image:
        card = self._draw_single(about)
        grid = self._draw_grid(ids, chosen, 1, labels)
        size = (max(card.width, grid.width), card.height + grid.height)
        canvas = Image.new("RGB", size, BACKGROUND)
        canvas.paste(card, ((canvas.width - card.width) // 2, 0))
        canvas.paste(grid, ((canvas.width - grid.width) // 2, card.height))
        return canvas

    def _draw_collage(self, ids: list[str], title: str) -> Image.Image:
        labels = self._labels(ids)
        return draw_collage(ids, labels, title, self._letters, self._paste_picture)

    def _draw_plan(self, rows: list[PlanRow], title: str) -> Image.Image:
        return draw_plan(rows, title, self._letters, self._paste_picture)

    def _draw_me(self, ids: list[str], strong: frozenset[str], title: str) -> Image.Image:
        labels = self._labels(ids)
        return draw_me_card(ids, labels, strong, title, self._letters, self._paste_picture)

    def _labels(self, ids: list[str]) -> list[str]:
        return [self._manifest.get(pid).label for pid in ids]

    def _paste_picture(self, canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
        """Paste picture `pid`, contained in a `size` square with its top left at (x, y)."""
        picture = self._scaled.get((pid, size))
        if picture is None:
            with Image.open(io.BytesIO(self._source(pid)[0])) as raw:
                upright = ImageOps.exif_transpose(raw)  # photos taken on a phone
                picture = ImageOps.contain(upright.convert("RGBA"), (size, size), LANCZOS)
            if len(self._scaled) >= SCALED_CACHE_SIZE:
                del self._scaled[next(iter(self._scaled))]  # the oldest
            self._scaled[(pid, size)] = picture
        left, top = x + (size - picture.width) // 2, y + (size - picture.height) // 2
        canvas.paste(picture, (left, top), picture)

    def _font(self, size: int) -> ImageFont.FreeTypeFont:
        return self._letters.font(size)

    def _wrap(self, text: str, width: int, size: int, most: int = 2) -> tuple[list[str], bool]:
        return self._letters.wrap(text, width, size, most)


def _write_jpeg(image: Image.Image, path: Path) -> None:
    """Write via a temporary file and a rename, so no reader ever sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as out:
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _existing(key: str, path: Path) -> RenderedImage | None:
    try:
        with Image.open(path) as image:
            return RenderedImage(key, path, image.width, image.height)
    except OSError:
        return None
