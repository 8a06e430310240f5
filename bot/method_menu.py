"""The method menu: a button per method, grouped by the three questions of a POP (who am I,
what do I want, what can I do), the methods she finished ticked and the one her coach's
trajectory suggests next pointed at; with a picture that shows the same."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.my_plan import MY_PLAN_ACTION, MY_PLAN_BUTTON
from flows.conversation_types import Button, ImagePart, ImageSpec, Reply
from flows.engine import FlowEngine
from flows.models import POP_QUESTIONS

GROUP_WORDS = {
    "wie_ben_ik": "Wie ben ik?",
    "wat_wil_ik": "Wat wil ik?",
    "wat_kan_ik": "Wat kan ik?",
    "wat_doe_ik": "Wat ga ik doen?",
}
DONE_MARK, NEXT_MARK = "✅", "👈"
NEXT_LINE = "Je coach zegt: doe nu {emoji} {title}. 👈"


def menu_reply(
    text: str,
    engines: Mapping[str, FlowEngine],
    finished: Collection[str],
    next_method: str | None,
    scope: str,
) -> Reply:
    """The menu question with its buttons; `finished`: the flow ids she did, `next_method`:
    the one to do now (or None)."""
    buttons: list[tuple[Button, ...]] = []
    parts: list[ImagePart] = []
    for question in POP_QUESTIONS:
        group = [e for e in engines.values() if e.flow.question == question and e.flow.menu]
        for engine in group:
            flow = engine.flow
            done, now = flow.id in finished, flow.id == next_method
            marks = (f" {DONE_MARK}" if done else "") + (f" {NEXT_MARK}" if now else "")
            buttons.append((Button(flow.id, f"{flow.emoji} {flow.title}{marks}", chosen=done),))
        if group and all(engine.flow.cover for engine in group):
            parts.append(
                ImagePart(
                    place=question,
                    label=GROUP_WORDS[question],
                    pictures=tuple(engine.flow.cover[0] for engine in group),
                    values=tuple(_state(e.flow.id, finished, next_method) for e in group),
                    words=tuple(engine.flow.title for engine in group),
                )
            )
    buttons.append((Button(MY_PLAN_ACTION, MY_PLAN_BUTTON),))
    suggested = engines.get(next_method or "")
    if suggested is not None:
        text += "\n" + NEXT_LINE.format(emoji=suggested.flow.emoji, title=suggested.flow.title)
    complete = len(parts) == len({e.flow.question for e in engines.values() if e.flow.menu})
    image = None
    if parts and complete:
        image = ImageSpec(
            "menu", tuple(p for part in parts for p in part.pictures), parts=tuple(parts)
        )
    return Reply(text, tuple(buttons), image, scope=scope)


def _state(flow_id: str, finished: Collection[str], next_method: str | None) -> str:
    """How a method's card looks: "done", "next", "done next" or ""."""
    marks = ["done"] if flow_id in finished else []
    return " ".join(marks + (["next"] if flow_id == next_method else []))
