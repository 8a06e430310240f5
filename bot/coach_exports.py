"""The exports in the coach's portal: the POP as the PDF for Mijn Loopbaan, the monthly
overview of completed POPs as a CSV for Excel, and the result picture of each method."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, date, datetime, time

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.action_plan import PARTICIPATION, ActionPlan
from bot.coach_portal import CoachPortal
from bot.coach_results import coach_result, result_files
from bot.export import describe_participant
from bot.homework import BRUSSELS, brussels_day
from bot.pop_pdf import dutch_day, pop_pdf
from bot.services import Services
from images.hooks import render_image
from storage.plan_repository import StoredPlan
from storage.repository import Participant


async def pdf_response(
    services: Services, participant: Participant, stored: StoredPlan
) -> Response:
    """A stored POP as the PDF download for Mijn Loopbaan, named as VDAB wants it, with the
    picture each finished method made."""
    plan = ActionPlan.model_validate_json(stored.plan_json)
    record = await describe_participant(
        services.repository, services.engines, services.pictures, participant
    )
    changed = changed_on(stored.updated_at)
    results = await result_files(
        services.repository, services.engines, services.renderer, participant.id
    )
    data = await asyncio.to_thread(
        pop_pdf, plan, services.pictures, record, made_on=changed, results=results
    )
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{plan.file_name(changed)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


class ExportPages:
    def __init__(self, services: Services, portal: CoachPortal) -> None:
        self._services = services
        self._portal = portal

    def routes(self) -> list[Route]:
        return [
            Route("/coach/deelnemer/{participant:int}/plan.pdf", self.pdf),
            Route("/coach/overzicht.csv", self.month_overview),
            Route("/coach/deelnemer/{participant:int}/resultaat/{run:int}.jpg", self.result),
        ]

    async def result(self, request: Request) -> Response:
        """The picture a finished method made (the board, the hand, the ladder with the
        coach's own ratings …)."""
        access = await self._portal.access(request)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        services = self._services
        wanted = int(request.path_params["run"])
        runs = [run for run in await services.repository.runs(participant.id) if run.id == wanted]
        engine = services.engines.get(runs[0].flow_id) if runs else None
        image = None
        if runs and engine is not None:
            image = await coach_result(services.repository, engine, participant.id, runs[0])
        if image is None:
            return PlainTextResponse("Geen resultaat.", status_code=404)
        drawn = await asyncio.to_thread(render_image, services.renderer, image)
        return FileResponse(
            drawn.path,
            media_type="image/jpeg",
            headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"},
        )

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
        return await pdf_response(services, participant, stored)

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


def changed_on(updated_at: str) -> date:
    """The day a plan last changed, in Brussels: the day in its file name."""
    return datetime.fromisoformat(updated_at).astimezone(BRUSSELS).date()
