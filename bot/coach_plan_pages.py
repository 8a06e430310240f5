"""The action plan editor in the coach's portal: the POP template as one plain form, its
warnings, suggestions taken from the participant's answers, finishing the POP, and the way to
the next POP and the ones before (bot/coach_evaluation_pages.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

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
    SECTIONS,
    Action,
    ActionPlan,
    PlanItem,
    Suggestion,
    suggestions,
)
from bot.coach_evaluation_pages import EvaluationPages
from bot.coach_exports import changed_on
from bot.coach_portal import CoachPortal
from bot.services import Services
from storage.plan_repository import StoredPlan
from storage.repository import Participant

BLANK_ROWS = 2
_ROW_FIELD = re.compile(r"(contacts|wants|cans|develop|actions)-(\d{1,3})-([a-z_]+)")


class PlanPages:
    def __init__(self, services: Services, portal: CoachPortal) -> None:
        self._services = services
        self._portal = portal

    def routes(self) -> list[Route]:
        base = "/coach/deelnemer/{participant:int}/plan"
        return [
            Route(base, self.editor),
            Route(base, self.save, methods=["POST"]),
            Route(f"{base}/overnemen", self.take_suggestion, methods=["POST"]),
            Route(f"{base}/afgerond", self.complete, methods=["POST"]),
            Route(f"{base}/sturen", self.send_to_participant, methods=["POST"]),
            *EvaluationPages(self._services, self._portal).routes(),
        ]

    async def editor(self, request: Request) -> Response:
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        coach, csrf, participant = access
        history = await self._services.repository.plans.history(participant.id)
        stored = history[0] if history else None
        plan = ActionPlan.model_validate_json(stored.plan_json) if stored else ActionPlan()
        offered = await self._suggestions(participant)
        taken = {action.what for action in plan.actions}
        for section in ("wants", "cans", "develop"):
            taken |= {item.text for item in getattr(plan, section)}
        return self._portal.page(
            "coach_plan.html",
            coach=coach,
            csrf=csrf,
            participant=participant,
            plan=plan,
            stored=stored,
            warnings=plan.warnings() if stored else [],
            file_name=plan.file_name(changed_on(stored.updated_at)) if stored else "",
            suggestions=[(n, s, s.text in taken) for n, s in enumerate(offered)],
            blank=BLANK_ROWS,
            phases=PHASES,
            kinds=KINDS,
            participation=PARTICIPATION,
            domains=DOMAINS,
            sections=SECTIONS,
            pictures=self._services.pictures.pictures,
            error=self._portal.error_in(request),
            sent=request.query_params.get("verstuurd", ""),
            started=request.query_params.get("nieuw", "") == "1" and plan.evaluation is not None,
            history=history[1:],
            score_words=SCORE_WORDS,
            score_scale=SCORE_SCALE,
            check_ins=await self._services.action_check_ins.for_portal(stored) if stored else None,
        )

    async def save(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        coach, _, participant = access
        form = await request.form()
        fields = {key: str(value) for key, value in form.items() if isinstance(value, str)}
        try:
            plan = plan_from_form(fields, self._services.pictures.pictures)
        except (ValidationError, ValueError) as error:
            return self._back_with_error(participant, _first_problem(error))
        stored = await self._services.repository.plans.current(participant.id)
        if stored is not None:  # the form does not carry the evaluation a next POP starts with
            evaluation = ActionPlan.model_validate_json(stored.plan_json).evaluation
            plan = plan.model_copy(update={"evaluation": evaluation})
        await self._services.repository.plans.save(participant.id, coach.id, plan.model_dump_json())
        return _back(participant)

    async def take_suggestion(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        coach, _, participant = access
        form = await request.form()
        offered = await self._suggestions(participant)
        number = str(form.get("nummer", ""))
        if not number.isdigit() or int(number) >= len(offered):
            return self._back_with_error(participant, "die suggestie bestaat niet meer")
        chosen = offered[int(number)]
        stored = await self._services.repository.plans.current(participant.id)
        plan = ActionPlan.model_validate_json(stored.plan_json) if stored else ActionPlan()
        if chosen.section == "actions":
            plan.actions.append(Action(what=chosen.text, picture=chosen.picture))
        else:
            getattr(plan, chosen.section).append(PlanItem(text=chosen.text))
        await self._services.repository.plans.save(participant.id, coach.id, plan.model_dump_json())
        return _back(participant)

    async def complete(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        stored = await self._current_plan(participant)
        if isinstance(stored, Response):
            return stored
        form = await request.form()
        await self._services.repository.plans.complete(stored.id, form.get("klaar") == "1")
        return _back(participant)

    async def send_to_participant(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        stored = await self._current_plan(participant)
        if isinstance(stored, Response):
            return stored
        plans = self._services.repository.plans
        await self._services.action_check_ins.schedule(participant, stored)
        await plans.queue_for_participant(stored.id, participant.id)
        return _back(participant, verstuurd="1")

    async def _current_plan(self, participant: Participant) -> StoredPlan | RedirectResponse:
        """The participant's current plan, or back to the editor when there is none yet."""
        stored = await self._services.repository.plans.current(participant.id)
        if stored is None:
            return self._back_with_error(participant, "er is nog geen plan")
        return stored

    def _back_with_error(self, participant: Participant, error: str) -> RedirectResponse:
        """Back to the editor, with one error to show there."""
        target = f"/coach/deelnemer/{participant.id}/plan?{self._portal.error_query(error)}"
        return RedirectResponse(target, status_code=303)

    async def _suggestions(self, participant: Participant) -> list[Suggestion]:
        repository = self._services.repository
        found: list[Suggestion] = []
        for run in await repository.runs(participant.id):
            engine = self._services.engines.get(run.flow_id)
            if engine is not None:
                found += suggestions(engine, await repository.answers(run.id))
        return found


def plan_from_form(fields: Mapping[str, str], pictures: Any) -> ActionPlan:
    """The plan as the editor's form sends it; rows left empty are passed over."""
    rows: dict[str, dict[int, dict[str, str]]] = {}
    for name, value in fields.items():
        match = _ROW_FIELD.fullmatch(name)
        if match:
            section, number, field = match.group(1), int(match.group(2)), match.group(3)
            rows.setdefault(section, {}).setdefault(number, {})[field] = value.strip()
    known_pictures = {picture.id for picture in pictures}

    def filled(section: str, main: str) -> list[dict[str, str]]:
        return [row for _, row in sorted(rows.get(section, {}).items()) if row.get(main)]

    actions = []
    for row in filled("actions", "what"):
        picture = row.get("picture") or None
        actions.append(
            {
                "what": row["what"],
                "who_helps": row.get("who_helps", ""),
                "by_when": row.get("by_when") or None,
                "result": row.get("result", ""),
                "kind": row.get("kind") or "ander",
                "domain": row.get("domain") or "werk",
                "picture": picture if picture in known_pictures else None,
            }
        )
    return ActionPlan.model_validate(
        {
            "first_name": fields.get("first_name", ""),
            "last_name": fields.get("last_name", ""),
            "birth_date": fields.get("birth_date") or None,
            "organisation": fields.get("organisation", ""),
            "contacts": [
                {"day": row["day"], "phase": row.get("phase") or "start"}
                for row in filled("contacts", "day")
            ],
            **{
                section: [
                    {"text": row["text"], "kind": row.get("kind") or "ander"}
                    for row in filled(section, "text")
                ]
                for section in ("wants", "cans", "develop")
            },
            "goal": fields.get("goal", ""),
            "participation": fields.get("participation") or None,
            "actions": actions,
        }
    )


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        problem = error.errors()[0]
        where = " ".join(str(part) for part in problem["loc"])
        return f"{where}: {problem['msg']}"
    return str(error)


def _back(participant: Participant, **query: str) -> RedirectResponse:
    suffix = f"?{urlencode(query)}" if query else ""
    return RedirectResponse(f"/coach/deelnemer/{participant.id}/plan{suffix}", status_code=303)
