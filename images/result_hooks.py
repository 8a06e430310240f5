"""Hooks for the result pictures made of parts (flows.models.ResultPart): each turns the parts
a flow gathered from the answers into the drawing of its own module, cached by the renderer.

What a part's `place` and `values` mean is agreed here with the flow files:
- ladder: a part per competence; values = (where she is now, where she wants to be[, the
  coach's rating]) as option ids ending in the step number, e.g. "s3".
- traffic: a part per competence; the first value that is "rood", "oranje" or "groen".
"""

from __future__ import annotations

from flows.conversation_types import ImagePart, ImageSpec
from images.rating_card import (
    COACH_WORDS,
    MAX_RATING_ROWS,
    NOW_WORDS,
    RATING_LAYOUT,
    WANT_WORDS,
    RatingRow,
    draw_rating_card,
)
from images.render import PictureRenderer, RenderedImage

TRAFFIC = {"rood": 1, "oranje": 2, "groen": 3}


def ladder(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """The self-rating ladder: five steps, where she is and where she wants to be."""
    rows = [_ladder_row(part) for part in spec.parts]
    return _rating(renderer, "ladder", rows, 5, spec.title)


def traffic(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """Vier op een rij's rating: a traffic light per competence."""
    rows = []
    for part in spec.parts:
        picture = _one_picture(part)
        lit = [TRAFFIC[value] for value in part.values if value in TRAFFIC]
        coach = _step(part.values[-1]) if part.values and part.values[-1][:1] == "c" else None
        rows.append(RatingRow(picture, part.label, lit[0] if lit else None, None, coach))
    return _rating(renderer, "traffic", rows, 3, spec.title)


def _ladder_row(part: ImagePart) -> RatingRow:
    steps = [_step(value) for value in part.values] + [None, None, None]
    return RatingRow(_one_picture(part), part.label, steps[0], steps[1], steps[2])


def _rating(
    renderer: PictureRenderer, kind: str, rows: list[RatingRow], steps: int, title: str
) -> RenderedImage:
    if not 1 <= len(rows) <= MAX_RATING_ROWS:
        raise ValueError(f"a rating card needs 1 to {MAX_RATING_ROWS} rows, got {len(rows)}")
    shaped_by = [
        RATING_LAYOUT,
        steps,
        title,
        [NOW_WORDS, WANT_WORDS, COACH_WORDS],
        [[row.label, row.now, row.want if steps == 5 else None, row.coach] for row in rows],
    ]
    return renderer.drawn(
        kind,
        [row.picture for row in rows],
        shaped_by,
        lambda letters, paste: draw_rating_card(rows, steps, title, letters, paste),
    )


def _one_picture(part: ImagePart) -> str:
    if len(part.pictures) != 1:
        raise ValueError(f"a rating row needs one picture, got {part.pictures}")
    return part.pictures[0]


def _step(value: str) -> int | None:
    """The step number an option id ends in ("s3" → 3); None when not answered."""
    return int(value[-1]) if value and value[-1].isdigit() else None
