"""The coach's own judgement of a participant in the portal: the trajectory she follows (the
handbook's Variant 1 or 4, or free), and the coach's rating of every round of a flow's rated
loop (e.g. each competence of the ladder) beside the participant's own answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.services import Services
from bot.trajectories import finished_flows, marks, trajectory_of
from flows.answers import AnswerKey, Answers, OptionAnswer, PicturesAnswer, SkippedAnswer
from flows.engine import FlowEngine
from flows.models import ChoiceStep, LoopStep
from storage.repository import Participant

if TYPE_CHECKING:
    from bot.coach_portal import CoachPortal

FIELD_PREFIX = "r-"
"""The form names each picture's radio buttons `r-<picture id>`."""
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Rated:
    """What a rating page is about: the flow, its rated loop and the choice the coach answers."""

    engine: FlowEngine
    loop: LoopStep
    choice: ChoiceStep

    @property
    def columns(self) -> tuple[ChoiceStep, ...]:
        """The participant's answers to show: the rated choice, then every other choice of
        the loop on the same scale (e.g. how good she is now, how good she wants to be)."""
        scale = [option.id for option in self.choice.options]
        others = tuple(
            step
            for step in self.loop.steps
            if isinstance(step, ChoiceStep)
            and step is not self.choice
            and [option.id for option in step.options] == scale
        )
        return (self.choice, *others)


@dataclass(frozen=True)
class RatingRow:
    """One round: the picture, her answers (one per column, "" if none) and the coach's."""

    picture: str
    label: str
    phrase: str
    answers: tuple[str, ...]
    coach: str | None


class RatingPages:
    def __init__(self, services: Services, portal: CoachPortal) -> None:
        self._services = services
        self._portal = portal

    def routes(self) -> list[Route]:
        base = "/coach/deelnemer/{participant:int}"
        return [
            Route(f"{base}/traject", self.choose_trajectory, methods=["POST"]),
            Route(base + "/inschatting/{flow_id}", self.rating),
            Route(base + "/inschatting/{flow_id}", self.save_rating, methods=["POST"]),
        ]

    # ----- the trajectory ---------------------------------------------------------------------

    async def choose_trajectory(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        coach, _, participant = access
        chosen = (await request.form()).get("traject")
        if not isinstance(chosen, str) or (chosen and chosen not in self._services.trajectories):
            return self._refused("Dat traject bestaat niet.")
        coaches = self._services.repository.coaches
        await coaches.set_trajectory(coach.id, participant.id, chosen or None)
        return RedirectResponse(f"/coach/deelnemer/{participant.id}#traject", status_code=303)

    # ----- the coach's rating -----------------------------------------------------------------

    async def rating(self, request: Request) -> Response:
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        coach, csrf, participant = access
        rated = self._rated(request)
        if rated is None:
            return self._no_rating()
        answers, finished = await self._latest_answers(participant, rated.engine.flow.id)
        rows = await self._rows(participant, rated, answers)
        engine, choice = rated.engine, rated.choice
        return self._portal.page(
            "coach_rating.html",
            coach=coach,
            csrf=csrf,
            participant=participant,
            flow=engine.flow,
            headings=[_heading(step.text) for step in rated.columns],
            options=[(o.id, engine.option_text(choice.id, o.id)) for o in choice.options],
            rows=rows,
            option_text=lambda option: engine.option_text(choice.id, option),
            answered=bool(answers),
            finished=finished,
            saved=request.query_params.get("bewaard") == "1",
        )

    async def save_rating(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        coach, _, participant = access
        rated = self._rated(request)
        if rated is None:
            return self._no_rating()
        answers, _ = await self._latest_answers(participant, rated.engine.flow.id)
        rounds = set(self._rounds(rated.loop, answers))
        options = {option.id for option in rated.choice.options}
        chosen: dict[str, str] = {}
        for name, value in (await request.form()).multi_items():
            if not name.startswith(FIELD_PREFIX):
                continue
            picture = name.removeprefix(FIELD_PREFIX)
            if picture not in rounds or value not in options or picture in chosen:
                return self._refused("Die inschatting klopt niet; er is niets bewaard.")
            chosen[picture] = str(value)
        flow_id = rated.engine.flow.id
        await self._services.repository.ratings.save(participant.id, flow_id, coach.id, chosen)
        target = f"/coach/deelnemer/{participant.id}/inschatting/{flow_id}?bewaard=1"
        return RedirectResponse(target, status_code=303)

    # ----- helpers ------------------------------------------------------------------------------

    def _rated(self, request: Request) -> Rated | None:
        """The flow of the path, when it asks the coach for a rating."""
        engine = self._services.engines.get(request.path_params["flow_id"])
        return rated_of(engine) if engine is not None else None

    async def _latest_answers(self, participant: Participant, flow_id: str) -> tuple[Answers, bool]:
        """Her answers in her latest run of the flow (finished or not), and whether it is done."""
        repository = self._services.repository
        runs = [run for run in await repository.runs(participant.id) if run.flow_id == flow_id]
        if not runs:
            return {}, False
        return await repository.answers(runs[-1].id), runs[-1].status == "finished"

    def _rounds(self, loop: LoopStep, answers: Answers) -> tuple[str, ...]:
        """The pictures the loop goes through: those of its set, or those she picked."""
        bank = self._services.pictures
        if loop.pictures is not None:
            return loop.pictures.pool(bank)
        picked = answers.get(AnswerKey(step=loop.over or ""))
        chosen = picked.pictures if isinstance(picked, PicturesAnswer) else ()
        return tuple(picture for picture in chosen if picture in bank)

    async def _rows(
        self, participant: Participant, rated: Rated, answers: Answers
    ) -> list[RatingRow]:
        engine, flow = rated.engine, rated.engine.flow
        coach = await self._services.repository.ratings.current(participant.id, flow.id)
        rows = []
        for picture in self._rounds(rated.loop, answers):
            said = []
            for step in rated.columns:
                answer = answers.get(AnswerKey(step=step.id, item=picture))
                if isinstance(answer, OptionAnswer):
                    said.append(engine.option_text(step.id, answer.option))
                else:
                    said.append("overgeslagen" if isinstance(answer, SkippedAnswer) else "")
            label = engine.picture_label(picture)
            phrase = flow.phrases.get(picture, "").replace("{label}", label)
            rows.append(RatingRow(picture, label, phrase, tuple(said), coach.get(picture)))
        return rows

    def _refused(self, message: str) -> Response:
        return self._portal.page(
            "coach_message.html", status=400, title="Niet bewaard", message=message
        )

    def _no_rating(self) -> Response:
        return self._portal.page(
            "coach_message.html",
            status=404,
            title="Niet gevonden",
            message="Bij deze methode hoort geen inschatting door de coach.",
        )


def rated_of(engine: FlowEngine) -> Rated | None:
    """The loop and choice a flow asks the coach to rate, if it declares `coach_rating`."""
    rating = engine.flow.coach_rating
    if rating is None:
        return None
    for step in engine.flow.steps:
        if isinstance(step, LoopStep) and step.id == rating.loop:
            for inner in step.steps:
                if isinstance(inner, ChoiceStep) and inner.id == rating.step:
                    return Rated(engine, step, inner)
    return None


async def judgement(services: Services, participant: Participant) -> dict[str, Any]:
    """What the participant page shows of the coach's judgement: the trajectory choice with
    its methods marked done or next, and the methods the coach can rate."""
    trajectory = trajectory_of(services.trajectories, participant)
    finished = finished_flows(await services.repository.runs(participant.id))
    return {
        "trajectories": list(services.trajectories.values()),
        "trajectory": trajectory,
        "trajectory_marks": marks(trajectory, finished) if trajectory else [],
        "rated_flows": [
            (flow_id, engine.flow.title)
            for flow_id, engine in services.engines.items()
            if rated_of(engine) is not None
        ],
    }


def _heading(text: str) -> str:
    """A participant's question as a column heading: its last line, without placeholders."""
    last = text.strip().splitlines()[-1]
    return " ".join(_PLACEHOLDER.sub("", last).split())
