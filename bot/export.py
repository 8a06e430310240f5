"""Everything stored for one participant, as plain data for the coach (JSON)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.answers import (
    Answer,
    AnswerKey,
    Answers,
    OptionAnswer,
    PictureAnswer,
    PicturesAnswer,
)
from flows.engine import FlowEngine
from images.manifest import Manifest
from storage.repository import Participant, Repository

Json = dict[str, Any]


async def export_participant(
    repository: Repository,
    engines: Mapping[str, FlowEngine],
    pictures: Manifest,
    channel: str,
    external_id: str,
) -> Json | None:
    """Consent and, per method run, its answers in flow order; None for an unknown person."""
    participant = await repository.participant(channel, external_id)
    if participant is None:
        return None
    return await describe_participant(repository, engines, pictures, participant)


async def describe_participant(
    repository: Repository,
    engines: Mapping[str, FlowEngine],
    pictures: Manifest,
    participant: Participant,
) -> Json:
    """Everything stored for one participant, for the export and the coach's portal."""
    runs = []
    for run in await repository.runs(participant.id):
        history = await repository.answer_history(run.id)
        answered_at = {record.key: record.answered_at for record in history}
        answers = await repository.answers(run.id)
        engine = engines.get(run.flow_id)
        steps: list[Json] = []
        for key in _in_flow_order(engine, answers):
            steps.append(
                {
                    "step": key.step,
                    "about": _picture(pictures, key.item) if key.item else None,
                    "question": engine.question_text(key, answers) if engine else None,
                    "answer": _answer(pictures, answers[key], engine, key.step),
                    "answered_at": answered_at[key],
                    "highlight": engine.highlighted(key.step) if engine else False,
                }
            )
        runs.append(
            {
                "run": run.id,
                "method": run.flow_id,
                "title": engine.flow.title if engine else run.flow_id,
                "status": run.status,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "steps": steps,
            }
        )
    return {
        "participant": {
            "channel": participant.channel,
            "id": participant.external_id,
            "created_at": participant.created_at,
        },
        "consent": {
            "given": participant.consent_given,
            "at": participant.consent_at,
            "history": [
                {"given": event.given, "at": event.at}
                for event in await repository.consent_history(participant.id)
            ],
        },
        "runs": runs,
        "trajectory": participant.trajectory,
        "coach_ratings": await _coach_ratings(repository, engines, participant),
        "action_check_ins": [
            {
                "plan": check_in.plan_id,
                "action": check_in.action_index,
                "answer": check_in.answer,
                "answered_at": check_in.answered_at,
            }
            for plan in await repository.plans.history(participant.id)
            for check_in in await repository.check_ins.of_plan(plan.id)
        ],
    }


async def _coach_ratings(
    repository: Repository, engines: Mapping[str, FlowEngine], participant: Participant
) -> Json:
    """What her coach rated in the methods that ask for it, per method and picture."""
    found: Json = {}
    for flow_id, engine in engines.items():
        rating = engine.flow.coach_rating
        if rating is None:
            continue
        rated = await repository.ratings.current(participant.id, flow_id)
        if rated:
            found[flow_id] = {
                picture: {"option": option, "label": engine.option_text(rating.step, option)}
                for picture, option in sorted(rated.items())
            }
    return found


def _in_flow_order(engine: FlowEngine | None, answers: Answers) -> list[AnswerKey]:
    if engine is None:
        return sorted(answers, key=lambda key: (key.step, key.item))
    ordered = [key for key in engine.answer_order(answers) if key in answers]
    return ordered + [key for key in answers if key not in ordered]


def _picture(pictures: Manifest, picture_id: str) -> Json:
    label = pictures.get(picture_id).label if picture_id in pictures else None
    return {"id": picture_id, "label": label}


def _answer(pictures: Manifest, answer: Answer, engine: FlowEngine | None, step: str) -> Json:
    data: Json = answer.model_dump(mode="json")
    if isinstance(answer, OptionAnswer) and engine is not None:
        data["label"] = engine.option_text(step, answer.option)
    if isinstance(answer, PicturesAnswer):
        data["pictures"] = [_picture(pictures, picture) for picture in answer.pictures]
    elif isinstance(answer, PictureAnswer):
        data["picture"] = _picture(pictures, answer.picture)
    return data
