"""A short summary of a participant for her coach, for chat channels (/samenvatting):
the picture of her latest method and its highlighted answers as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.coach_results import coach_result
from bot.export import describe_participant
from flows.conversation_types import Reply
from flows.engine import FlowEngine
from images.manifest import Manifest
from storage.coach_repository import Coach
from storage.repository import Participant, Repository

NOBODY = "Geen deelnemer met de naam {name!r}. Namen geef je in het portaal."
NOTHING_YET = "{name} heeft nog niets ingevuld."
MAX_LINES = 12


def display_name(participant: Participant) -> str:
    return participant.display_name or f"Deelnemer {participant.id}"


async def find_participant(repository: Repository, coach: Coach, name: str) -> Participant | None:
    """The coach's participant with this name (as she named her, or 'Deelnemer 12')."""
    wanted = " ".join(name.split()).casefold()
    for line in await repository.coaches.participants(coach.id):
        if display_name(line.participant).casefold() == wanted:
            return line.participant
    return None


async def summary(
    repository: Repository,
    engines: Mapping[str, FlowEngine],
    pictures: Manifest,
    coach: Coach,
    name: str,
) -> list[Reply]:
    participant = await find_participant(repository, coach, name)
    if participant is None:
        return [Reply(NOBODY.format(name=name))]
    record = await describe_participant(repository, engines, pictures, participant)
    runs = [run for run in record["runs"] if run["steps"]]
    if not runs:
        return [Reply(NOTHING_YET.format(name=display_name(participant)))]
    run = runs[-1]
    status = {"finished": "klaar", "active": "bezig", "paused": "gepauzeerd"}[run["status"]]
    lines = [f"{display_name(participant)} · {run['title']} ({status})"]
    lines += [_line(step) for step in run["steps"] if step["highlight"]][:MAX_LINES]
    replies = [Reply("\n".join(lines))]
    engine = engines.get(run["method"])
    stored = {stored.id: stored for stored in await repository.runs(participant.id)}
    if engine is not None and run["run"] in stored:
        image = await coach_result(repository, engine, participant.id, stored[run["run"]])
        if image is not None:
            title = f"{display_name(participant)}: {run['title']}"
            replies.insert(0, Reply(title, image=image))
    return replies


def _line(step: dict[str, Any]) -> str:
    answer = step["answer"]
    about = f" ({step['about']['label']})" if step["about"] else ""
    if answer["kind"] == "option":
        said = answer.get("label", answer["option"])
    elif answer["kind"] == "picture":
        said = answer["picture"]["label"]
    elif answer["kind"] == "text":
        said = f"“{answer['text']}”"
    elif answer["kind"] == "voice":
        said = f"🎙️ spraakbericht ({answer['duration']} s, te beluisteren in het portaal)"
    elif answer["kind"] == "pictures":
        said = ", ".join(picture["label"] for picture in answer["pictures"])
    else:
        said = "overgeslagen"
    return f"• {step['question']}{about} → {said}"
