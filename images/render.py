"""Turning picture ids into JPEG images to send: numbered grids, single cards, a dream page.

Every image is cached on disk under a key made of everything that shapes it (so the same
request never renders twice, and the key can name an upload elsewhere). Bump RENDER_VERSION
whenever the drawing changes, so old cached images are not reused.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import tempfile
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from images.manifest import Manifest

RENDER_VERSION = 1
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"
MAX_GRID, MAX_COLLAGE, JPEG_QUALITY = 9, 8, 80
SOFT_HYPHEN = "\u00ad"  # put one in a long label ("Computer\u00advaardigheden") to let it wrap

Box = tuple[int, int, int, int]
RGB = tuple[int, int, int]
Shape = Callable[[ImageDraw.ImageDraw, int, int], None]  # draws in a (w, h) mask, 255 = ink

# Calm, high-contrast colours: grey-blue page, white cards, near-black text, navy numbers.
BACKGROUND, WHITE, CARD_EDGE, INK = (232, 237, 243), (255, 255, 255), (184, 195, 208), (24, 30, 42)
NUMBER, GREEN, GREEN_TINT, SHADOW = (29, 53, 87), (24, 135, 58), (221, 243, 226), (40, 48, 66)
# The dream page is warm: peach to cream, brown title, orange and gold accents.
WARM_TOP, WARM_BOTTOM, TITLE_INK = (255, 222, 189), (255, 246, 232), (118, 56, 14)
ACCENT, GOLD, GLOW = (240, 140, 60), (247, 190, 80), (255, 200, 160)
PASTELS = ((255, 228, 204), (214, 240, 226), (218, 232, 252), (240, 224, 248))

# Grid: up to three columns of cards, 944 px wide with three.
GAP, CARD_W, CARD_PAD, GRID_PIC, GRID_TEXT = 14, 296, 22, 216, 38
SINGLE_W, SINGLE_PIC, COLLAGE_W = 480, 352, 960
# Cards per row on the dream page, by number of pictures: centred rows, never a hole.
COLLAGE_ROWS = {1: (1,), 2: (2,), 3: (1, 2), 4: (2, 2), 5: (2, 3), 6: (3, 3), 7: (2, 3, 2)}
COLLAGE_ROWS[8] = (3, 2, 3)
# Plan card: one white row per action, a picture (or a numbered tile) left, words and a date
# on a pill below them. 720 px wide (a phone shows it as wide as a 960 px grid, so its words
# look big) keeps eight rows of bold text small.
MAX_PLAN_ROWS, PLAN_W, PLAN_PIC, PLAN_PAD = 8, 720, 124, 14
PLAN_WORDS, PLAN_WORDS_SMALLEST, PLAN_DATE, PLAN_PILL, PLAN_TITLE = 36, 30, 26, 42, 50
DATE_TINT, BADGE_TINT = (218, 232, 252), (214, 225, 239)
SS = 4  # shapes are drawn 4× larger and scaled down, for smooth edges
SCALED_CACHE_SIZE = 96
LANCZOS = Image.Resampling.LANCZOS
TICK = [(0.24, 0.53), (0.43, 0.71), (0.77, 0.32)]
STAR = [
    (0.5 + k * math.sin(i * math.pi / 5) / 2, 0.54 - k * math.cos(i * math.pi / 5) / 2)
    for i, k in enumerate([0.98, 0.42] * 5)
]


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
        self._fonts: dict[int, ImageFont.FreeTypeFont] = {}

    @property
    def cache_dir(self) -> Path:
        """Where the rendered JPEGs are kept, named `<key>.jpg`."""
        return self._cache_dir

    def grid(
        self, picture_ids: Sequence[str], selected: Collection[str] = (), first_number: int = 1
    ) -> RenderedImage:
        """Numbered cards in up to three columns; chosen ones with a green border and a tick.

        `selected` may name pictures not on this grid (chosen on another page); they are ignored.
        """
        ids = self._checked(picture_ids, MAX_GRID, "a grid")
        if first_number < 0:
            raise ValueError(f"first_number must not be negative, got {first_number}")
        chosen = frozenset(selected) & frozenset(ids)
        key = self._key("grid", ids, sorted(chosen), first_number)
        return self._cached(key, lambda: self._draw_grid(ids, chosen, first_number))

    def picture(self, picture_id: str) -> RenderedImage:
        """One picture with its label on a small card."""
        ids = self._checked([picture_id], 1, "a card")
        return self._cached(self._key("card", ids), lambda: self._draw_single(ids[0]))

    def collage(self, picture_ids: Sequence[str], title: str) -> RenderedImage:
        """The dream page: a title over 1–8 pictures in centred rows on a warm background."""
        ids, title = self._checked(picture_ids, MAX_COLLAGE, "a dream page"), title.strip()
        return self._cached(self._key("dream", ids, title), lambda: self._draw_collage(ids, title))

    def plan_card(self, rows: Sequence[tuple[str | None, str, str]], title: str) -> RenderedImage:
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

    def _cached(self, key: str, draw: Callable[[], Image.Image]) -> RenderedImage:
        path = self._cache_dir / f"{key}.jpg"
        found = _existing(key, path)
        if found is None:
            with self._render_lock:
                found = _existing(key, path)  # another thread may have just written it
                if found is None:
                    image = draw()
                    _write_jpeg(image, path)
                    found = RenderedImage(key, path, image.width, image.height)
        return found

    # -- drawing ------------------------------------------------------------------------

    def _font(self, size: int) -> ImageFont.FreeTypeFont:
        if size not in self._fonts:
            layout = ImageFont.Layout.BASIC  # same pixels with or without libraqm
            self._fonts[size] = ImageFont.truetype(str(FONT_PATH), size, layout_engine=layout)
        return self._fonts[size]

    def _paste_picture(self, canvas: Image.Image, pid: str, x: int, y: int, size: int) -> None:
        picture = self._scaled.get((pid, size))
        if picture is None:
            with Image.open(io.BytesIO(self._source(pid)[0])) as raw:
                picture = ImageOps.contain(raw.convert("RGBA"), (size, size), LANCZOS)
            if len(self._scaled) >= SCALED_CACHE_SIZE:
                del self._scaled[next(iter(self._scaled))]  # the oldest
            self._scaled[(pid, size)] = picture
        left, top = x + (size - picture.width) // 2, y + (size - picture.height) // 2
        canvas.paste(picture, (left, top), picture)

    def _fit(self, text: str, width: int, largest: int) -> tuple[int, list[str]]:
        """The biggest font size (and line breaks) at which `text` fits `width` on two lines;
        one line if that can be at least 4/5 of `largest`."""
        options = _line_options(text)
        tries = [(size, options[:1]) for size in range(largest, largest * 4 // 5 - 1, -1)]
        for size, allowed in tries + [(size, options) for size in range(largest, 11, -1)]:
            font = self._font(size)
            fitting = [o for o in allowed if max(font.getlength(s) for s in o) <= width]
            if fitting:
                return size, min(fitting, key=lambda o: (len(o), max(map(font.getlength, o))))
        font, shown = self._font(12), options[0][0]
        while len(shown) > 1 and font.getlength(shown + "…") > width:
            shown = shown[:-1]
        return 12, [shown.rstrip() + "…"]

    def _text(self, canvas: Image.Image, text: str, box: Box, largest: int, fill: RGB) -> None:
        """Centre `text` in `box`, as big as fits (up to `largest` px) on at most two lines."""
        size, lines = self._fit(text, box[2] - box[0], largest)
        font = self._font(size)
        line_h = sum(font.getmetrics())
        top = box[1] + (box[3] - box[1] - len(lines) * line_h) // 2
        draw, middle = ImageDraw.Draw(canvas), (box[0] + box[2]) // 2
        for i, line in enumerate(lines):
            draw.text((middle, top + i * line_h), line, fill, font, "ma")

    def _lines_height(self, text: str, width: int, largest: int) -> int:
        size, lines = self._fit(text, width, largest)
        return len(lines) * sum(self._font(size).getmetrics())

    def _label_size(self, labels: list[str], width: int, largest: int) -> tuple[int, int]:
        """One font size for all labels (the biggest at which each fits, or only a long one
        smaller if that would drop below 3/4 of `largest`), and the height they need."""
        size = min(self._fit(label, width, largest)[0] for label in labels)
        size = max(size, largest * 3 // 4)
        return size, max(self._lines_height(label, width, size) for label in labels) + 12

    def _draw_grid(self, ids: list[str], chosen: frozenset[str], first_number: int) -> Image.Image:
        labels = [self._manifest.get(pid).label for pid in ids]
        text_px, label_h = self._label_size(labels, CARD_W - 28, GRID_TEXT)
        card_h = CARD_PAD + GRID_PIC + 4 + label_h + 8
        cols = min(len(ids), 3)
        rows = (len(ids) + cols - 1) // cols
        size = (cols * CARD_W + (cols + 1) * GAP, rows * card_h + (rows + 1) * GAP)
        canvas = Image.new("RGB", size, BACKGROUND)
        draw, step_x, step_y = ImageDraw.Draw(canvas), CARD_W + GAP, card_h + GAP
        spots = [(GAP + i % cols * step_x, GAP + i // cols * step_y) for i in range(len(ids))]
        _shadows(canvas, [(x, y, x + CARD_W, y + card_h) for x, y in spots], 22)
        for i, (pid, label, (x, y)) in enumerate(zip(ids, labels, spots, strict=True)):
            card, picked, number = (x, y, x + CARD_W, y + card_h), pid in chosen, first_number + i
            edge, fill, width = (GREEN, GREEN_TINT, 8) if picked else (CARD_EDGE, WHITE, 2)
            _rounded(canvas, card, 22, edge)
            _rounded(canvas, card, 22 - width, fill, inset=width)
            self._paste_picture(canvas, pid, x + (CARD_W - GRID_PIC) // 2, y + CARD_PAD, GRID_PIC)
            label_top = y + CARD_PAD + GRID_PIC + 4
            label_box = (x + 14, label_top, x + CARD_W - 14, label_top + label_h)
            self._text(canvas, label, label_box, text_px, INK)
            # The number: a navy pill with a white ring, top left.
            font = self._font(40 if number < 100 else 32)
            badge_w = max(62, int(font.getlength(str(number))) + 26)
            badge = (x + 8, y + 8, x + 8 + badge_w, y + 70)
            _rounded(canvas, badge, 34, WHITE, inset=-3)
            _rounded(canvas, badge, 31, NUMBER)
            draw.text((x + 8 + badge_w // 2, y + 40), str(number), WHITE, font, "mm")
            if picked:  # a drawn ✅, top right
                tick = (x + CARD_W - 70, y + 8, x + CARD_W - 8, y + 70)
                _rounded(canvas, tick, 18, WHITE, inset=-3)
                _rounded(canvas, tick, 15, GREEN)
                _shape(canvas, tick, WHITE, _draw_tick)
        return canvas

    def _draw_single(self, pid: str) -> Image.Image:
        label = self._manifest.get(pid).label
        label_h = self._lines_height(label, SINGLE_W - 2 * GAP - 40, 46) + 12
        card = (GAP, GAP, SINGLE_W - GAP, GAP + 20 + SINGLE_PIC + 10 + label_h + 16)
        canvas = Image.new("RGB", (SINGLE_W, card[3] + GAP), BACKGROUND)
        _shadows(canvas, [card], 26)
        _rounded(canvas, card, 26, CARD_EDGE)
        _rounded(canvas, card, 24, WHITE, inset=2)
        self._paste_picture(canvas, pid, (SINGLE_W - SINGLE_PIC) // 2, GAP + 20, SINGLE_PIC)
        label_top = GAP + 20 + SINGLE_PIC + 10
        self._text(canvas, label, (GAP + 20, label_top, card[2] - 20, label_top + label_h), 46, INK)
        return canvas

    def _draw_collage(self, ids: list[str], title: str) -> Image.Image:
        rows, gap = COLLAGE_ROWS[len(ids)], 28
        widest = max(rows)
        card_w = min({1: 480, 2: 410}.get(widest, 960), (COLLAGE_W - (widest + 1) * gap) // widest)
        pad = card_w // 14
        pic = card_w - 2 * pad
        labels = [self._manifest.get(pid).label for pid in ids]
        label_px, label_h = self._label_size(labels, pic, min(46, card_w // 7))
        label_h += 8
        card_h = pad + pic + 4 + label_h + pad
        title_h = self._lines_height(title, COLLAGE_W - 200, 64) + 56 if title else 0
        top = 36 + title_h
        canvas = _warm_background(COLLAGE_W, top + len(rows) * (card_h + gap) - gap + 44)
        if title:
            self._text(canvas, title, (100, 32, COLLAGE_W - 100, title_h - 12), 64, TITLE_INK)
            middle = COLLAGE_W // 2
            _rounded(canvas, (middle - 70, title_h - 2, middle + 70, title_h + 8), 5, ACCENT)
            for x in (26, COLLAGE_W - 86):  # two gold stars beside the title
                star_top = 4 + (title_h - 44) // 2
                _shape(canvas, (x, star_top, x + 60, star_top + 60), GOLD, _draw_star)
        boxes: list[Box] = []
        for r, count in enumerate(rows):
            y = top + r * (card_h + gap)
            left = (COLLAGE_W - count * (card_w + gap) + gap) // 2
            xs = [left + c * (card_w + gap) for c in range(count)]
            boxes += [(x, y, x + card_w, y + card_h) for x in xs]
        _shadows(canvas, boxes, 24, blur=10, strength=70)
        for i, (pid, label, (x, y, x1, y1)) in enumerate(zip(ids, labels, boxes, strict=True)):
            label_top, pastel = y + pad + pic + 4, PASTELS[i % len(PASTELS)]
            _rounded(canvas, (x, y, x1, y1), 24, pastel)  # the label sits on a coloured strip
            _rounded(canvas, (x, y, x1, label_top + 24), 24, WHITE)
            canvas.paste(pastel, (x, label_top, x1, label_top + 24))
            self._paste_picture(canvas, pid, x + pad, y + pad, pic)
            self._text(canvas, label, (x + pad, label_top, x1 - pad, y1 - pad), label_px, INK)
        return canvas

    def _wrap(self, text: str, width: int, size: int, most: int = 2) -> tuple[list[str], bool]:
        """`text` broken at spaces into lines of at most `width` px (a word too long for a
        line is cut); the first `most` lines, and whether something had to be left out
        (then the last one ends in "…")."""
        font, lines, current = self._font(size), [], ""
        for word in text.replace(SOFT_HYPHEN, "").split():
            trial = f"{current} {word}" if current else word
            if font.getlength(trial) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            current = word
            while font.getlength(current) > width:  # a very long word: cut it
                fits = (
                    i
                    for i in range(len(current) - 1, 1, -1)
                    if font.getlength(current[:i]) <= width
                )
                cut = next(fits, 1)
                lines.append(current[:cut])
                current = current[cut:]
        if current or not lines:
            lines.append(current)
        if len(lines) <= most:
            return lines, False

        def ended(line: str) -> str:
            return line.rstrip(" ,.;:-") + "…"

        last = lines[most - 1]
        while " " in last and font.getlength(ended(last)) > width:  # whole words off first
            last = last.rsplit(" ", 1)[0]
        while len(last) > 1 and font.getlength(ended(last)) > width:
            last = last[:-1]
        return [*lines[: most - 1], ended(last)], True

    def _draw_plan(self, rows: list[tuple[str | None, str, str]], title: str) -> Image.Image:
        margin, row_gap, pill_gap = 16, 12, 9
        text_x = PLAN_PAD + PLAN_PIC + 20  # from the card's left edge
        text_w = PLAN_W - 2 * margin - text_x - 18
        # One size for all rows: the biggest at which every row fits that can fit at all.
        fitting = [w for _, w, _ in rows if not self._wrap(w, text_w, PLAN_WORDS_SMALLEST)[1]]
        size = next(
            (
                size
                for size in range(PLAN_WORDS, PLAN_WORDS_SMALLEST, -2)
                if not any(self._wrap(words, text_w, size)[1] for words in fitting)
            ),
            PLAN_WORDS_SMALLEST,
        )
        words_font, date_font = self._font(size), self._font(PLAN_DATE)
        line_h = sum(words_font.getmetrics())
        blocks = [
            len(self._wrap(words, text_w, size)[0]) * line_h + (pill_gap + PLAN_PILL if day else 0)
            for _, words, day in rows
        ]
        row_h = max(PLAN_PIC + 2 * PLAN_PAD, max(blocks) + 2 * 20)
        title_h = self._lines_height(title, PLAN_W - 140, PLAN_TITLE) + 36 if title else 0
        top = 18 + title_h + (12 if title else 0)
        height = top + len(rows) * (row_h + row_gap) - row_gap + 22
        canvas = Image.new("RGB", (PLAN_W, height), BACKGROUND)
        draw = ImageDraw.Draw(canvas)
        if title:
            self._text(canvas, title, (70, 16, PLAN_W - 70, title_h - 6), PLAN_TITLE, NUMBER)
            middle = PLAN_W // 2
            _rounded(canvas, (middle - 54, title_h, middle + 54, title_h + 8), 4, ACCENT)
        ys = [top + i * (row_h + row_gap) for i in range(len(rows))]
        boxes = [(margin, y, PLAN_W - margin, y + row_h) for y in ys]
        _shadows(canvas, boxes, 18)
        for number, ((pid, words, day), block, (x, y, x1, y1)) in enumerate(
            zip(rows, blocks, boxes, strict=True), start=1
        ):
            _rounded(canvas, (x, y, x1, y1), 18, CARD_EDGE)
            _rounded(canvas, (x, y, x1, y1), 16, WHITE, inset=2)
            pic_x, pic_y = x + PLAN_PAD, y + (row_h - PLAN_PIC) // 2
            if pid is None:  # no picture: a calm tile with the number, big
                _rounded(canvas, (pic_x, pic_y, pic_x + PLAN_PIC, pic_y + PLAN_PIC), 20, BADGE_TINT)
                middle_of_tile = (pic_x + PLAN_PIC // 2, pic_y + PLAN_PIC // 2)
                draw.text(middle_of_tile, str(number), NUMBER, self._font(58), "mm")
            else:  # the picture leaves its top left corner to a small navy number
                self._paste_picture(canvas, pid, pic_x + 9, pic_y + 5, PLAN_PIC - 9)
                font = self._font(24)
                badge_w = max(38, int(font.getlength(str(number))) + 16)
                badge = (x + 6, y + 6, x + 6 + badge_w, y + 44)
                _rounded(canvas, badge, 19, WHITE, inset=-3)
                _rounded(canvas, badge, 19, NUMBER)
                draw.text((badge[0] + badge_w // 2, y + 25), str(number), WHITE, font, "mm")
            lines, _ = self._wrap(words, text_w, size)
            text_top = y + (row_h - block) // 2
            for i, line in enumerate(lines):
                draw.text((x + text_x, text_top + i * line_h), line, INK, words_font, "la")
            if day:  # the date on a light blue pill, after a little calendar
                (shown,), _ = self._wrap(day, text_w - 64, PLAN_DATE, 1)
                pill_top = text_top + len(lines) * line_h + pill_gap
                pill_w = int(date_font.getlength(shown)) + 64
                pill = (x + text_x, pill_top, x + text_x + pill_w, pill_top + PLAN_PILL)
                _rounded(canvas, pill, PLAN_PILL // 2, DATE_TINT)
                icon_top = pill_top + (PLAN_PILL - 24) // 2
                _shape(
                    canvas,
                    (pill[0] + 14, icon_top, pill[0] + 38, icon_top + 24),
                    NUMBER,
                    _draw_calendar,
                )
                draw.text((pill[0] + 47, pill_top + PLAN_PILL // 2), shown, NUMBER, date_font, "lm")
        return canvas


def _line_options(text: str) -> list[list[str]]:
    """`text` on one line, then every way to break it in two: at a space, after a hyphen,
    or at a soft hyphen (shown as "-")."""

    def clean(part: str) -> str:
        return " ".join(part.replace(SOFT_HYPHEN, "").split())

    options = [[clean(text)]]
    for i, char in enumerate(text):
        if char in (" ", "-", SOFT_HYPHEN):
            first = clean(text[: i + (char == "-")]) + ("-" if char == SOFT_HYPHEN else "")
            second = clean(text[i + 1 :])
            if first.strip("-") and second:
                options.append([first, second])
    return options


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


def _shape(canvas: Image.Image, box: Box, fill: RGB, draw: Shape) -> None:
    """Paint `fill` through a smooth (anti-aliased) mask that `draw` draws at SS× size."""
    w, h = box[2] - box[0], box[3] - box[1]
    mask = Image.new("L", (w * SS, h * SS), 0)
    draw(ImageDraw.Draw(mask), w * SS, h * SS)
    canvas.paste(fill, box, mask.resize((w, h), Image.Resampling.BOX))


def _rounded(canvas: Image.Image, box: Box, radius: int, fill: RGB, inset: int = 0) -> None:
    """A smooth rounded rectangle; a negative `inset` makes it larger than `box`."""
    inner = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
    _shape(
        canvas,
        inner,
        fill,
        lambda d, w, h: d.rounded_rectangle((0, 0, w - 1, h - 1), radius * SS, 255),
    )


def _draw_tick(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    points = [(px * w, py * h) for px, py in TICK]
    width = int(w * 0.13)
    draw.line(points, 255, width, joint="curve")
    for px, py in (points[0], points[-1]):  # round ends
        draw.ellipse((px - width / 2, py - width / 2, px + width / 2, py + width / 2), 255)


def _draw_calendar(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A little calendar page: a frame, a solid top band and two rings."""
    line = max(1, int(w * 0.1))
    draw.rounded_rectangle((0, h * 0.12, w - 1, h - 1), int(w * 0.16), 255)
    draw.rounded_rectangle((line, h * 0.38, w - 1 - line, h - 1 - line), int(w * 0.08), 0)
    for px in (0.3, 0.7):
        draw.rounded_rectangle((w * px - line / 2, 0, w * px + line / 2, h * 0.28), line // 2, 255)
    dot = w * 0.1
    for cx, cy in ((0.32, 0.58), (0.5, 0.58), (0.68, 0.58), (0.32, 0.78), (0.5, 0.78)):
        draw.ellipse((w * cx - dot, h * cy - dot, w * cx + dot, h * cy + dot), 255)


def _draw_star(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    draw.polygon([(px * w, py * h) for px, py in STAR], 255)


def _shadows(
    canvas: Image.Image, boxes: list[Box], radius: int, blur: int = 6, strength: int = 55
) -> None:
    """Soft drop shadows under cards, so they look like things you can tap."""
    mask = Image.new("L", canvas.size, 0)
    draw = ImageDraw.Draw(mask)
    for x0, y0, x1, y1 in boxes:
        draw.rounded_rectangle((x0, y0 + 4, x1, y1 + 4), radius, strength)
    canvas.paste(SHADOW, (0, 0), mask.filter(ImageFilter.GaussianBlur(blur)))


def _warm_background(width: int, height: int) -> Image.Image:
    """Peach at the top fading to cream, with a few soft glows."""
    fade = Image.linear_gradient("L").resize((width, height))
    canvas = Image.composite(
        Image.new("RGB", fade.size, WARM_BOTTOM), Image.new("RGB", fade.size, WARM_TOP), fade
    )
    glow = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(glow)
    for cx, cy, r in ((0, 0, 220), (width, height // 3, 180), (width // 5, height, 240)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), 90)
    canvas.paste(GLOW, (0, 0), glow.filter(ImageFilter.GaussianBlur(60)))
    return canvas
