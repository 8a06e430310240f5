"""The POP as a printable PDF (handbook 4.3): the template's parts in its order (a next POP
starts with the evaluation of the previous one's actions), then what the participant chose in
her methods, with the pictures of the bank. HTML and CSS, printed by
WeasyPrint (which needs Debian's Pango); only local picture files are read, never the
network."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]

from bot.action_plan import (
    DOMAINS,
    PARTICIPATION,
    PHASES,
    SCORE_SCALE,
    SCORE_WORDS,
    SECTIONS,
    ActionPlan,
)
from bot.homework import brussels_day
from images.manifest import Manifest

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHORT_KINDS = {"generiek": "Generiek", "technisch": "Technisch", "ander": "Iets anders"}
RUN_STATES = {"finished": "klaar", "active": "bezig", "paused": "gepauzeerd"}
# Pictographs, dingbats, keycaps and joiners: the portal shows emoji, paper does not need them.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0e\ufe0f\u200d\u20e3]"
)

_templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
)


def dutch_day(day: date | None) -> str:
    """dd/mm/jjjj, or nothing."""
    return f"{day:%d/%m/%Y}" if day else ""


def plain(text: str) -> str:
    """Text without emoji, and without the spaces they leave."""
    return " ".join(_EMOJI.sub("", text).split())


@dataclass(frozen=True)
class ShownPicture:
    label: str
    url: str | None
    """A file URL of the bank's PNG, or None for a picture the bank no longer has."""


@dataclass(frozen=True)
class ShownStep:
    question: str
    about: ShownPicture | None
    pictures: tuple[ShownPicture, ...]
    answer: str
    kind: str


@dataclass(frozen=True)
class ShownGroup:
    """Steps in a row about the same picture (a round of a loop), printed next to it once."""

    about: ShownPicture | None
    steps: tuple[ShownStep, ...]


@dataclass(frozen=True)
class ShownRun:
    title: str
    state: str
    started: str
    finished: str
    groups: tuple[ShownGroup, ...]
    result: str | None = None
    """A file URL of the picture the method made, if it is finished."""


def chosen(
    record: Mapping[str, Any] | None,
    pictures: Manifest,
    results: Mapping[int, Path] | None = None,
) -> list[ShownRun]:
    """What the participant chose and answered (describe_participant), ready to print, with
    the picture each finished method made (`results`: by run id)."""
    made = results or {}
    runs = []
    for run in (record or {}).get("runs", []):
        steps = [_step(step, pictures) for step in run.get("steps", [])]
        groups = tuple(
            ShownGroup(about, tuple(together))
            for about, together in groupby(steps, key=lambda step: step.about)
        )
        runs.append(
            ShownRun(
                title=plain(str(run.get("title") or run.get("method") or "")),
                state=RUN_STATES.get(str(run.get("status")), str(run.get("status") or "")),
                started=brussels_day(run["started_at"]) if run.get("started_at") else "",
                finished=brussels_day(run["finished_at"]) if run.get("finished_at") else "",
                groups=groups,
                result=made[run["run"]].resolve().as_uri() if run.get("run") in made else None,
            )
        )
    return runs


def _step(step: Mapping[str, Any], pictures: Manifest) -> ShownStep:
    answer: Mapping[str, Any] = step.get("answer") or {}
    kind = str(answer.get("kind", ""))
    shown: tuple[ShownPicture, ...] = ()
    said = ""
    if kind == "pictures":
        shown = tuple(_picture(p, pictures) for p in answer.get("pictures", []))
    elif kind == "picture":
        shown = (_picture(answer.get("picture") or {}, pictures),)
    elif kind == "text":
        said = f"“{answer.get('text', '')}”"
    elif kind == "voice":
        said = f"spraakbericht ({answer.get('duration', 0)} s): beluister het in het portaal"
    elif kind == "option":
        said = plain(str(answer.get("label") or answer.get("option") or ""))
    else:
        said = "overgeslagen"
    about = step.get("about")
    return ShownStep(
        question=plain(str(step.get("question") or "")),
        about=_picture(about, pictures) if about else None,
        pictures=shown,
        answer=said,
        kind=kind,
    )


def _picture(picture: Mapping[str, Any], pictures: Manifest) -> ShownPicture:
    picture_id = str(picture.get("id", ""))
    if picture_id not in pictures:
        return ShownPicture(str(picture.get("label") or picture_id), None)
    known = pictures.get(picture_id)
    return ShownPicture(known.label, pictures.path(picture_id).resolve().as_uri())


def pop_html(
    plan: ActionPlan,
    pictures: Manifest,
    record: Mapping[str, Any] | None = None,
    *,
    made_on: date,
    results: Mapping[int, Path] | None = None,
) -> str:
    """The POP as the HTML that WeasyPrint prints."""
    action_pictures: list[ShownPicture | None] = [
        _picture({"id": action.picture}, pictures) if action.picture in pictures else None
        for action in plan.actions
    ]
    name = " ".join(part for part in (plan.first_name, plan.last_name) if part)
    return _templates.get_template("pop_pdf.html").render(
        plan=plan,
        name=name,
        made_on=dutch_day(made_on),
        actions=list(zip(plan.actions, action_pictures, strict=True)),
        runs=chosen(record, pictures, results),
        phases=PHASES,
        short_kinds=SHORT_KINDS,
        participation=PARTICIPATION,
        domains=DOMAINS,
        sections=SECTIONS,
        score_scale=SCORE_SCALE,
        score_words=SCORE_WORDS,
        day=dutch_day,
    )


def pop_pdf(
    plan: ActionPlan,
    pictures: Manifest,
    record: Mapping[str, Any] | None = None,
    *,
    made_on: date,
    results: Mapping[int, Path] | None = None,
) -> bytes:
    """The POP as PDF bytes (blocking, about half a second: run it in a thread)."""
    fetcher = URLFetcher(allowed_protocols={"file"})
    html = HTML(
        string=pop_html(plan, pictures, record, made_on=made_on, results=results),
        base_url=pictures.base_dir.resolve().as_uri() + "/",
        url_fetcher=fetcher,
    )
    pdf: bytes = html.write_pdf()
    return pdf
