"""Hooks for the result pictures made of parts (flows.models.ResultPart): each turns the parts
a flow gathered from the answers into the drawing of its own module, cached by the renderer.

What a part's `place` and `values` mean is agreed here with the flow files:
- board: the first picture of the part placed "centre" in the middle; the pictures of the
  parts placed "around" on the ring; those placed "below" under it, headed by that part's
  label.
- hand: five parts placed thumb, index, middle, ring, little: pictures and typed words.
- day: a part per moment of the day, its label the words; its hour the first value like
  "u07" (7 h). A part without an hour sits halfway between its neighbours, or is left out
  when it has no pictures either; moments at the same hour become one.
- ladder: a part per competence; values = (where she is now, where she wants to be) as
  option ids ending in the step number, e.g. "s3"; the coach's rating as "c:s4".
- traffic: a part per competence; the first value that is "rood", "oranje" or "groen"; the
  coach's as "c:groen".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flows.conversation_types import ImagePart, ImageSpec
from images.board_card import BOARD_LAYOUT, MAX_AROUND, MAX_BELOW, draw_board
from images.day_clock import DAY_LAYOUT, MAX_MOMENT_PICTURES, MAX_MOMENTS, Moment, draw_day_clock
from images.finger_card import FINGER_LAYOUT, FINGER_QUESTIONS, draw_finger_card
from images.hand_card import FINGER_WORDS, HAND_LAYOUT, MAX_FINGER_PICTURES, FingerAnswer, draw_hand
from images.menu_card import MENU_LAYOUT, MenuGroup, MenuMethod, draw_menu_card
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
from images.step_card import STEP_LAYOUT, draw_step_card
from images.success_card import SUCCESS_LAYOUT, SUCCESS_WORDS, TRIED_WORDS, draw_success_card

TRAFFIC = {"rood": 1, "oranje": 2, "groen": 3}
COACH = "c:"
"""Marks the coach's rating among a part's values, e.g. "c:s4"."""
FINGERS = ("thumb", "index", "middle", "ring", "little")
HOUR = re.compile(r"^u(\d\d)$")
Pic = tuple[str, str]


def board(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """The Praatplaat: the dream job in the middle, what matters to her around it."""
    centre = [p for part in spec.parts if part.place == "centre" for p in part.pictures][:1]
    if not centre:
        raise ValueError("a board needs a picture in the centre")
    around = _unique(p for part in spec.parts if part.place == "around" for p in part.pictures)
    below = _unique(p for part in spec.parts if part.place == "below" for p in part.pictures)
    below_words = next((part.label for part in spec.parts if part.place == "below"), "")
    middle = _pic(renderer, centre[0])
    ring = [_pic(renderer, p) for p in around if p != centre[0]][:MAX_AROUND]
    taken = {centre[0], *(p for p, _ in ring)}
    under = [_pic(renderer, p) for p in below if p not in taken][:MAX_BELOW]
    shaped_by = [BOARD_LAYOUT, spec.title, middle, ring, under, below_words]
    return renderer.drawn(
        "board",
        [centre[0], *(p for p, _ in ring), *(p for p, _ in under)],
        shaped_by,
        lambda letters, paste: draw_board(
            middle, ring, under, below_words, spec.title, letters, paste
        ),
    )


def hand(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """HAND: her answers at the five fingertips."""
    by_place = {part.place: part for part in spec.parts}
    fingers = []
    for place in FINGERS:
        part = by_place.get(place, ImagePart(place))
        shown = tuple(_pic(renderer, p) for p in part.pictures[:MAX_FINGER_PICTURES])
        fingers.append(FingerAnswer(shown, " ".join(part.words)))
    shaped_by = [HAND_LAYOUT, spec.title, FINGER_WORDS, [[f.pictures, f.words] for f in fingers]]
    return renderer.drawn(
        "hand",
        [p for f in fingers for p, _ in f.pictures],
        shaped_by,
        lambda letters, paste: draw_hand(fingers, spec.title, letters, paste),
    )


def finger(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """Before a HAND question: the hand with one finger lit, the place of the one part
    ("1" thumb … "5" little finger)."""
    place = spec.parts[0].place if len(spec.parts) == 1 else ""
    number = int(place) if place.isdigit() else 0
    if not 1 <= number <= len(FINGER_QUESTIONS):
        raise ValueError(f"a finger is 1 to {len(FINGER_QUESTIONS)}, got {place!r}")
    shaped_by = [FINGER_LAYOUT, number, FINGER_QUESTIONS[number - 1]]
    return renderer.drawn(
        "finger", [], shaped_by, lambda letters, _paste: draw_finger_card(number, letters)
    )


def day(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """Klokwijs: a day clock with the pictures at their hours."""
    moments = _moments(renderer, spec.parts)
    if not 1 <= len(moments) <= MAX_MOMENTS:
        raise ValueError(f"a day clock needs 1 to {MAX_MOMENTS} moments, got {len(moments)}")
    shaped_by = [DAY_LAYOUT, spec.title, [[m.hour, m.words, m.pictures] for m in moments]]
    return renderer.drawn(
        "day",
        [p for m in moments for p, _ in m.pictures],
        shaped_by,
        lambda letters, paste: draw_day_clock(moments, spec.title, letters, paste),
    )


def menu(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """The method menu: a part per group of methods; per method its picture, its title (in
    `words`) and its state in `values`: "done", "next", both or none."""
    groups = [
        MenuGroup(
            part.label,
            tuple(
                MenuMethod(picture, title, "done" in state.split(), "next" in state.split())
                for picture, title, state in zip(
                    part.pictures, part.words, part.values, strict=True
                )
            ),
        )
        for part in spec.parts
    ]
    shaped_by = [
        MENU_LAYOUT,
        [[g.words, [list(vars(m).values()) for m in g.methods]] for g in groups],
    ]
    return renderer.drawn(
        "menu",
        [m.picture for g in groups for m in g.methods],
        shaped_by,
        lambda letters, paste: draw_menu_card(groups, letters, paste),
    )


def step(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """A mini-POP: parts placed theme (its picture), question, step and when (their words),
    helper (a picture and its words)."""
    parts = {part.place: part for part in spec.parts}

    def said(place: str) -> str:
        part = parts.get(place)
        return part.words[-1] if part is not None and part.words else ""

    theme, helper = parts.get("theme"), parts.get("helper")
    if theme is None or not theme.pictures:
        raise ValueError("a step card needs the theme's picture")
    theme_pic = _pic(renderer, theme.pictures[0])
    helped = (helper.pictures[0], said("helper")) if helper and helper.pictures else None
    question = _wordy(said("question"), "Mijn eigen vraag")
    small, when = _wordy(said("step"), "Mijn eigen stap"), said("when")
    shaped_by = [STEP_LAYOUT, theme_pic, question, small, when, helped]
    return renderer.drawn(
        "step",
        [theme_pic[0], *([helped[0]] if helped else [])],
        shaped_by,
        lambda letters, paste: draw_step_card(
            theme_pic, question, small, when, helped, letters, paste
        ),
    )


def success(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """A check-in of a small step: one part with the step and the day in its words and
    whether it worked ("ja") as its value."""
    (part,) = spec.parts
    if len(part.words) != 2:
        raise ValueError("a success card needs the step and the day")
    small, day = _wordy(part.words[0], "Mijn eigen stap"), part.words[1]
    worked = part.values[:1] == ("ja",)
    shaped_by = [SUCCESS_LAYOUT, SUCCESS_WORDS, TRIED_WORDS, small, day, worked]
    return renderer.drawn(
        "success", [], shaped_by, lambda letters, _: draw_success_card(small, day, worked, letters)
    )


def _moments(renderer: PictureRenderer, parts: tuple[ImagePart, ...]) -> list[Moment]:
    hours: list[int | None] = []
    for part in parts:
        found = [int(match[1]) for value in part.values if (match := HOUR.match(value))]
        hours.append(found[0] if found else None)
    for i, hour in enumerate(hours):
        if hour is None and parts[i].pictures:
            before = next((h for h in reversed(hours[:i]) if h is not None), None)
            after = next((h for h in hours[i + 1 :] if h is not None), None)
            if before is not None and after is not None and after > before:
                hours[i] = (before + after) // 2
    merged: dict[int, Moment] = {}
    for part, hour in zip(parts, hours, strict=True):
        if hour is None:
            continue
        pictures = tuple(_pic(renderer, p) for p in part.pictures)
        if hour in merged:
            earlier = merged[hour]
            pictures = tuple(dict.fromkeys(earlier.pictures + pictures))
            merged[hour] = Moment(hour, f"{earlier.words} · {part.label}", pictures)
        else:
            merged[hour] = Moment(hour, part.label, pictures)
    return [Moment(m.hour, m.words, m.pictures[:MAX_MOMENT_PICTURES]) for m in merged.values()]


def _wordy(typed: str, instead: str) -> str:
    """Typed words to print, or `instead` when they hold no letter or digit (only emoji,
    which the font cannot draw)."""
    return typed if any(ch.isalnum() for ch in typed) else instead


def _pic(renderer: PictureRenderer, picture: str) -> Pic:
    return picture, renderer.label(picture)


def _unique(pictures: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(pictures))


def ladder(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """The self-rating ladder: five steps, where she is and where she wants to be."""
    rows = [_ladder_row(part) for part in spec.parts]
    return _rating(renderer, "ladder", rows, 5, spec.title)


def traffic(renderer: PictureRenderer, spec: ImageSpec) -> RenderedImage:
    """Vier op een rij's rating: a traffic light per competence."""
    rows = []
    for part in spec.parts:
        own, coach = _split(part)
        lit = [TRAFFIC[value] for value in own if value in TRAFFIC]
        coached = TRAFFIC.get(coach[0]) if coach else None
        rows.append(
            RatingRow(_one_picture(part), part.label, lit[0] if lit else None, None, coached)
        )
    return _rating(renderer, "traffic", rows, 3, spec.title)


def _ladder_row(part: ImagePart) -> RatingRow:
    own, coach = _split(part)
    now, want = ([_step(value) for value in own] + [None, None])[:2]
    return RatingRow(_one_picture(part), part.label, now, want, _step(coach[0]) if coach else None)


def _split(part: ImagePart) -> tuple[list[str], list[str]]:
    """Her own values, and the coach's (marked "c:", see bot.coach_results) without the mark."""
    own = [value for value in part.values if not value.startswith(COACH)]
    return own, [value[len(COACH) :] for value in part.values if value.startswith(COACH)]


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
