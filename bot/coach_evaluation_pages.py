"""The next POP (handbook 4.3): the coach follows up every action of the current plan with a
score from 0 to 5, keeps it for the next POP or drops it, with a remark, beside what the
participant answered to her check-ins about it; saving makes the next plan, the old one kept.
And the POPs before it, read-only, each with its PDF."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.action_plan import (
    DOMAINS,
    KINDS,
    PARTICIPATION,
    PHASES,
    SCORE_SCALE,
    SCORE_WORDS,
    SCORES,
    SECTIONS,
    ActionPlan,
    EvaluatedAction,
    Evaluation,
    next_plan,
)
from bot.coach_exports import changed_on, pdf_response
from bot.coach_portal import CoachPortal
from bot.services import Services
from storage.coach_repository import Coach
from storage.plan_repository import StoredPlan
from storage.repository import Participant, Repository

CheckInAnswer = Literal["gelukt", "een_beetje", "nog_niet", "hulp"]
CHECKIN_WORDS: Mapping[CheckInAnswer, str] = {
    "gelukt": "😀 gaat goed",
    "een_beetje": "🙂 een beetje",
    "nog_niet": "😕 nog niet",
    "hulp": "🆘 vroeg om hulp",
}
_FIELD = re.compile(r"acties-(0|[1-9][0-9]{0,2})-(score|houden|opmerking)")
_OWN_FIELDS = {"csrf", "vorige"}
_SCORE_VALUES = {str(score) for score in SCORES}


@dataclass(frozen=True)
class CheckIn:
    """The participant's answer to one check-in about an action of her plan."""

    answered_at: str
    """UTC, ISO 8601, as every table keeps time."""
    answer: CheckInAnswer


CheckIns = Callable[[int], Awaitable[Mapping[int, Sequence[CheckIn]]]]
"""A plan's id → her check-ins by the index of the action in that plan."""


async def checkins_for(repository: Repository, plan_id: int) -> dict[int, list[CheckIn]]:
    """What the participant answered to the check-ins on each action of the plan, by the
    action's index, oldest first (bot.action_check_ins keeps them)."""
    found: dict[int, list[CheckIn]] = {}
    for check_in in await repository.check_ins.of_plan(plan_id):
        found.setdefault(check_in.action_index, []).append(
            CheckIn(check_in.answered_at, check_in.answer)
        )
    return found


class EvaluationError(ValueError):
    """The evaluation form is not complete or not one this page sent."""


def evaluation_from_form(
    fields: Mapping[str, str], previous: ActionPlan, *, made_on: date, today: date
) -> Evaluation:
    """The evaluation as the form sends it: every action of the previous plan needs a score
    from 0 to 5 and keep or drop; a field about an action the plan does not have is refused."""
    rows = _rows(fields, len(previous.actions))
    followed = []
    for index, action in enumerate(previous.actions):
        row = rows.get(index, {})
        number = index + 1
        score = row.get("score", "")
        if score not in _SCORE_VALUES:
            raise EvaluationError(f"geef actie {number} een score van 0 tot 5")
        if row.get("houden") not in {"ja", "nee"}:
            raise EvaluationError(f"kies bij actie {number} of ze in het nieuwe POP blijft")
        try:
            followed.append(
                EvaluatedAction(
                    what=action.what,
                    kind=action.kind,
                    by_when=action.by_when,
                    score=int(score),
                    keep=row["houden"] == "ja",
                    remark=row.get("opmerking", ""),
                )
            )
        except ValidationError as error:
            raise EvaluationError(f"de opmerking bij actie {number} is te lang") from error
    return Evaluation(previous_made_on=made_on, evaluated_on=today, actions=followed)


def _rows(
    fields: Mapping[str, str], actions: int, *, strict: bool = True
) -> dict[int, dict[str, str]]:
    """The form's fields by the index of their action; a field about an action the plan does
    not have is refused, or passed over when not `strict`."""
    rows: dict[int, dict[str, str]] = {}
    for name, value in fields.items():
        if name in _OWN_FIELDS:
            continue
        match = _FIELD.fullmatch(name)
        if match is None or int(match.group(1)) >= actions:
            if not strict:
                continue
            raise EvaluationError("het formulier noemt een actie die het vorige POP niet heeft")
        rows.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
    return rows


class EvaluationPages:
    def __init__(
        self, services: Services, portal: CoachPortal, checkins: CheckIns | None = None
    ) -> None:
        self._services = services
        self._portal = portal
        self._checkins = checkins or (lambda plan_id: checkins_for(services.repository, plan_id))

    def routes(self) -> list[Route]:
        base = "/coach/deelnemer/{participant:int}"
        return [
            Route(f"{base}/volgende-pop", self.form),
            Route(f"{base}/volgende-pop", self.save, methods=["POST"]),
            Route(f"{base}/pop/{{plan:int}}", self.earlier),
            Route(f"{base}/pop/{{plan:int}}.pdf", self.earlier_pdf),
        ]

    async def form(self, request: Request) -> Response:
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        coach, csrf, participant = access
        current = await self._services.repository.plans.current(participant.id)
        if current is None:
            return self._no_plan()
        return await self._form_page(
            coach=coach, csrf=csrf, participant=participant, current=current
        )

    async def save(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        coach, csrf, participant = access
        form = await request.form()
        fields = {key: str(value) for key, value in form.items() if isinstance(value, str)}
        plans = self._services.repository.plans
        current = await plans.current(participant.id)
        if current is None:
            return self._no_plan()
        if fields.get("vorige") != str(current.id):
            return self._already_followed(participant)
        previous = ActionPlan.model_validate_json(current.plan_json)
        try:
            evaluation = evaluation_from_form(
                fields,
                previous,
                made_on=changed_on(current.updated_at),
                today=self._services.homework.today(),
            )
        except EvaluationError as error:
            entered = _rows(fields, len(previous.actions), strict=False)
            return await self._form_page(
                status=400,
                coach=coach,
                csrf=csrf,
                participant=participant,
                current=current,
                error=str(error),
                entered=entered,
            )
        following = next_plan(previous, evaluation)
        if await plans.start_next(current.id, coach.id, following.model_dump_json()) is None:
            return self._already_followed(participant)
        return RedirectResponse(f"/coach/deelnemer/{participant.id}/plan?nieuw=1", 303)

    async def earlier(self, request: Request) -> Response:
        """An earlier POP as it was left, read-only."""
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        coach, csrf, participant = access
        history = await self._services.repository.plans.history(participant.id)
        found = [stored for stored in history if stored.id == request.path_params["plan"]]
        if not found:
            return self._not_found()
        if found[0] is history[0]:
            return RedirectResponse(f"/coach/deelnemer/{participant.id}/plan", 303)
        plan = ActionPlan.model_validate_json(found[0].plan_json)
        return self._portal.page(
            "coach_plan.html",
            read_only=True,
            coach=coach,
            csrf=csrf,
            participant=participant,
            plan=plan,
            stored=found[0],
            history=history[1:],
            file_name=plan.file_name(changed_on(found[0].updated_at)),
            phases=PHASES,
            kinds=KINDS,
            participation=PARTICIPATION,
            domains=DOMAINS,
            sections=SECTIONS,
            score_words=SCORE_WORDS,
            score_scale=SCORE_SCALE,
        )

    async def earlier_pdf(self, request: Request) -> Response:
        """The PDF of any of her POPs, as it was printed when it was the current one."""
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        services = self._services
        stored = await services.repository.plans.get(request.path_params["plan"])
        if stored is None or stored.participant_id != participant.id:
            return self._not_found()
        return await pdf_response(services, participant, stored)

    async def _form_page(
        self,
        *,
        coach: Coach,
        csrf: str,
        participant: Participant,
        current: StoredPlan,
        status: int = 200,
        error: str = "",
        entered: Mapping[int, Mapping[str, str]] | None = None,
    ) -> Response:
        plan = ActionPlan.model_validate_json(current.plan_json)
        checkins = await self._checkins(current.id)
        given = entered or {}
        return self._portal.page(
            "coach_evaluation.html",
            status,
            coach=coach,
            csrf=csrf,
            participant=participant,
            current=current,
            plan=plan,
            made_on=changed_on(current.updated_at),
            rows=[
                (index, action, list(checkins.get(index, ())), given.get(index, {}))
                for index, action in enumerate(plan.actions)
            ],
            any_checkins=any(checkins.get(index) for index in range(len(plan.actions))),
            checkin_words=CHECKIN_WORDS,
            kinds=KINDS,
            scores=SCORES,
            score_words=SCORE_WORDS,
            score_scale=SCORE_SCALE,
            error=error,
        )

    def _already_followed(self, participant: Participant) -> RedirectResponse:
        """A second click, or a form from before: the plan already has its next POP."""
        error = self._portal.error_query("dit POP is al geëvalueerd; dit is het volgende POP")
        return RedirectResponse(f"/coach/deelnemer/{participant.id}/plan?{error}", 303)

    def _no_plan(self) -> Response:
        return self._portal.page(
            "coach_message.html",
            status=404,
            title="Nog geen plan",
            message="Er is nog geen POP om te evalueren. Maak en bewaar eerst het eerste POP.",
        )

    def _not_found(self) -> Response:
        return self._portal.page(
            "coach_message.html",
            status=404,
            title="Niet gevonden",
            message="Dit POP hoort niet bij deze deelnemer.",
        )
