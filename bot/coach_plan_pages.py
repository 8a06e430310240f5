"""The action plan editor in the coach's portal: the POP template as one plain form, its
warnings, suggestions taken from the participant's answers, and finishing the POP."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.action_plan import (
    DOMAINS,
    KINDS,
    PARTICIPATION,
    PHASES,
    SECTIONS,
    Action,
    ActionPlan,
    PlanItem,
    Suggestion,
    suggestions,
)
from bot.coach_portal import CoachPortal
from bot.export import describe_participant
from bot.homework import BRUSSELS, brussels_day
from bot.pop_pdf import dutch_day, pop_pdf
from bot.services import Services
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
            Route(f"{base}.pdf", self.pdf),
            Route("/coach/overzicht.csv", self.month_overview),
        ]

    async def editor(self, request: Request) -> Response:
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        coach, csrf, participant = access
        stored = await self._services.repository.plans.current(participant.id)
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
            file_name=plan.file_name(_changed_on(stored.updated_at)) if stored else "",
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
        stored = await self._services.repository.plans.current(participant.id)
        if stored is None:
            return self._back_with_error(participant, "er is nog geen plan")
        form = await request.form()
        await self._services.repository.plans.complete(stored.id, form.get("klaar") == "1")
        return _back(participant)

    async def send_to_participant(self, request: Request) -> Response:
        access = await self._portal.access(request, form=True)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        stored = await self._services.repository.plans.current(participant.id)
        if stored is None:
            return self._back_with_error(participant, "er is nog geen plan")
        plans = self._services.repository.plans
        await plans.queue_for_participant(stored.id, participant.id)
        return _back(participant, verstuurd="1")

    async def pdf(self, request: Request) -> Response:
        """The POP as the PDF for Mijn Loopbaan, named as VDAB wants it."""
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        services = self._services
        stored = await services.repository.plans.current(participant.id)
        if stored is None:
            return self._portal.page(
                "coach_message.html",
                status=404,
                title="Nog geen plan",
                message="Er is nog geen actieplan voor deze deelnemer. Maak het eerst.",
            )
        plan = ActionPlan.model_validate_json(stored.plan_json)
        record = await describe_participant(
            services.repository, services.engines, services.pictures, participant
        )
        changed = _changed_on(stored.updated_at)
        data = await asyncio.to_thread(pop_pdf, plan, services.pictures, record, made_on=changed)
        return Response(
            data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{plan.file_name(changed)}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def month_overview(self, request: Request) -> Response:
        """The coach's POPs completed in one month (Brussels time), as a CSV for Excel."""
        coach = await self._portal.signed_in(request)
        if isinstance(coach, Response):
            return coach
        asked = request.query_params.get("maand", "").strip()
        month = _month(asked) if asked else self._services.homework.today().replace(day=1)
        if month is None:
            return PlainTextResponse(
                "Geen geldige maand. Schrijf ze als JJJJ-MM, bijvoorbeeld 2026-03.",
                status_code=400,
            )
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        repository = self._services.repository
        completed = await repository.plans.completed_between(
            coach.id, _utc_start(month), _utc_start(following)
        )
        rows = []
        for stored in completed:
            if await repository.coaches.participant(coach.id, stored.participant_id) is None:
                continue
            plan = ActionPlan.model_validate_json(stored.plan_json)
            rows.append(overview_row(plan, stored.completed_at or "", coach.name))
        return Response(
            overview_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="popbot-overzicht-{month:%Y-%m}.csv"'
                ),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

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


OVERVIEW_COLUMNS = (
    "achternaam",
    "voornaam",
    "geboortedatum",
    "organisatie",
    "datum afgerond",
    "aantal gesprekken",
    "eerste gesprek",
    "laatste gesprek",
    "doel",
    "soort deelname",
    "aantal acties",
    "generieke acties",
    "technische acties",
    "coach",
)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def overview_row(plan: ActionPlan, completed_at: str, coach_name: str) -> list[str]:
    """One line of the monthly overview (handbook 4.4, 3): one completed POP."""
    days = sorted(contact.day for contact in plan.contacts)
    kinds = [action.kind for action in plan.actions]
    return [
        plan.last_name,
        plan.first_name,
        dutch_day(plan.birth_date),
        plan.organisation,
        brussels_day(completed_at) if completed_at else "",
        str(len(days)),
        dutch_day(days[0]) if days else "",
        dutch_day(days[-1]) if days else "",
        plan.goal,
        PARTICIPATION[plan.participation] if plan.participation else "",
        str(len(kinds)),
        str(kinds.count("generiek")),
        str(kinds.count("technisch")),
        coach_name,
    ]


def overview_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte order mark and `;` between fields, as Excel in Belgium opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(OVERVIEW_COLUMNS)
    writer.writerows([_no_formula(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _no_formula(value: str) -> str:
    """Typed text that Excel would run as a formula starts with a quote instead."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _month(text: str) -> date | None:
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def _utc_start(day: date) -> str:
    """Midnight at the start of `day` in Brussels, as the UTC time the database keeps."""
    return datetime.combine(day, time(0), BRUSSELS).astimezone(UTC).isoformat(timespec="seconds")


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        problem = error.errors()[0]
        where = " ".join(str(part) for part in problem["loc"])
        return f"{where}: {problem['msg']}"
    return str(error)


def _back(participant: Participant, **query: str) -> RedirectResponse:
    suffix = f"?{urlencode(query)}" if query else ""
    return RedirectResponse(f"/coach/deelnemer/{participant.id}/plan{suffix}", status_code=303)


def _changed_on(updated_at: str) -> date:
    """The day a plan last changed, in Brussels: the day in its file name."""
    return datetime.fromisoformat(updated_at).astimezone(BRUSSELS).date()
