"""The coach's portal: sign in with a one-time link, see one's own participants and what
they answered (pictures, texts, voice notes), and name them. Served under /coach."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from bot.coach_aftercare_pages import AftercarePages
from bot.coach_rating_pages import RatingPages, judgement
from bot.export import describe_participant
from bot.homework import HomeworkError, dutch_date
from bot.services import Services
from storage.coach_repository import Coach
from storage.repository import Participant

SESSION_COOKIE = "popbot_coach"
SESSION_HOURS = 12
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; media-src 'self'; style-src 'self'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
VOICE_TYPES = {".ogg": "audio/ogg", ".oga": "audio/ogg", ".webm": "audio/webm", ".m4a": "audio/mp4"}


class CoachPortal:
    def __init__(
        self, services: Services, secret: str, templates: Environment, secure: bool
    ) -> None:
        self._services = services
        self._sessions = URLSafeTimedSerializer(secret, salt="coach-session")
        self._errors = URLSafeTimedSerializer(secret, salt="coach-error")
        self._templates = templates
        self._secure = secure

    def routes(self) -> list[Route]:
        return [
            Route("/coach", self.participants),
            Route("/coach/aanmelden/{token}", self.confirm_sign_in),
            Route("/coach/aanmelden/{token}", self.sign_in, methods=["POST"]),
            Route("/coach/afmelden", self.sign_out, methods=["POST"]),
            Route("/coach/deelnemer/{participant:int}", self.participant),
            Route("/coach/deelnemer/{participant:int}/naam", self.rename, methods=["POST"]),
            Route("/coach/deelnemer/{participant:int}/huiswerk", self.assign, methods=["POST"]),
            Route(
                "/coach/deelnemer/{participant:int}/herinneringen",
                self.reminders_on,
                methods=["POST"],
            ),
            Route(
                "/coach/deelnemer/{participant:int}/stem/{run:int}/{step}/{item}",
                self.voice,
            ),
            *RatingPages(self._services, self).routes(),
            *AftercarePages(self._services, self).routes(),
        ]

    # ----- signing in and out ----------------------------------------------------------------

    async def confirm_sign_in(self, request: Request) -> Response:
        """Opening the link only asks to confirm: a preview or a mail scanner that opens it
        does not use it up."""
        coach = await self._services.coaching.sign_in_coach(request.path_params["token"])
        if coach is None:
            return self._link_refused()
        return self._page("coach_sign_in.html", name=coach.name)

    async def sign_in(self, request: Request) -> Response:
        coach = await self._services.coaching.sign_in(request.path_params["token"])
        if coach is None:
            return self._link_refused()
        response = RedirectResponse("/coach", status_code=303)
        session = {"coach": coach.id, "csrf": secrets.token_urlsafe(16)}
        response.set_cookie(
            SESSION_COOKIE,
            self._sessions.dumps(session),
            max_age=SESSION_HOURS * 3600,
            path="/coach",
            httponly=True,
            samesite="lax",
            secure=self._secure,
        )
        return response

    async def sign_out(self, request: Request) -> Response:
        session = await self._checked_session(request)
        response = RedirectResponse("/coach", status_code=303)
        if session is not None:
            response.delete_cookie(SESSION_COOKIE, path="/coach")
        return response

    # ----- pages ----------------------------------------------------------------------------

    async def participants(self, request: Request) -> Response:
        found = await self._coach(request)
        if found is None:
            return self._signed_out()
        coach, session = found
        overview = await self._services.repository.coaches.participants(coach.id)
        homework = self._services.homework
        open_homework = {
            line.participant.id: [
                work.homework.flow_id
                for work in await homework.lines(line.participant)
                if work.state in {"open", "bezig", "te laat"}
            ]
            for line in overview
        }
        titles = {flow_id: engine.flow.title for flow_id, engine in self._services.engines.items()}
        return self._page(
            "coach_list.html",
            coach=coach,
            csrf=session["csrf"],
            overview=overview,
            open_homework=open_homework,
            titles=titles,
            join_link=f"{self._services.settings.web_url}/doe-mee/{coach.join_code}",
            telegram_link=self._telegram_link(coach),
        )

    async def participant(self, request: Request) -> Response:
        access = await self.access(request)
        if isinstance(access, Response):
            return access
        coach, csrf, participant = access
        services = self._services
        record = await describe_participant(
            services.repository, services.engines, services.pictures, participant
        )
        return self._page(
            "coach_participant.html",
            coach=coach,
            csrf=csrf,
            participant=participant,
            record=record,
            homework=await services.homework.lines(participant),
            methods=[(flow_id, engine.flow.title) for flow_id, engine in services.engines.items()],
            titles={flow_id: engine.flow.title for flow_id, engine in services.engines.items()},
            today=services.homework.today().isoformat(),
            dutch_date=dutch_date,
            error=self.error_in(request),
            **await judgement(services, participant),
        )

    async def assign(self, request: Request) -> Response:
        access = await self.access(request, form=True)
        if isinstance(access, Response):
            return access
        coach, _, participant = access
        form = await request.form()
        target = f"/coach/deelnemer/{participant.id}"
        try:
            due = date.fromisoformat(str(form.get("datum", "")))
            await self._services.homework.assign(
                coach.id, participant, str(form.get("methode", "")), due
            )
        except ValueError as error:
            reason = str(error) if isinstance(error, HomeworkError) else "geen geldige datum"
            return RedirectResponse(f"{target}?{self.error_query(reason)}", status_code=303)
        return RedirectResponse(f"{target}#huiswerk", status_code=303)

    async def reminders_on(self, request: Request) -> Response:
        """She switched reminders off in the chat; with her, the coach switches them on."""
        access = await self.access(request, form=True)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        await self._services.repository.homework.set_reminders_off(participant.id, off=False)
        return RedirectResponse(f"/coach/deelnemer/{participant.id}#huiswerk", status_code=303)

    async def rename(self, request: Request) -> Response:
        access = await self.access(request, form=True)
        if isinstance(access, Response):
            return access
        coach, _, participant = access
        form = await request.form()
        name = " ".join(str(form.get("naam", "")).split())[:60]
        await self._services.repository.coaches.name_participant(coach.id, participant.id, name)
        return RedirectResponse(f"/coach/deelnemer/{participant.id}", status_code=303)

    async def voice(self, request: Request) -> Response:
        access = await self.access(request)
        if isinstance(access, Response):
            return access
        _, _, participant = access
        params = request.path_params
        repository = self._services.repository
        runs = {run.id for run in await repository.runs(participant.id)}
        if params["run"] not in runs:
            return self._not_yours()
        answers = await repository.answers(params["run"])
        item = "" if params["item"] == "-" else params["item"]
        answer = next(
            (a for k, a in answers.items() if k.step == params["step"] and k.item == item), None
        )
        file = getattr(answer, "file", None)
        data_dir = self._services.settings.data_dir.resolve()
        path = (data_dir / file).resolve() if isinstance(file, str) else None
        if path is None or data_dir not in path.parents or not path.is_file():
            return PlainTextResponse("Niet gevonden", status_code=404)
        media_type = VOICE_TYPES.get(path.suffix, "application/octet-stream")
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-store"})

    # ----- helpers ------------------------------------------------------------------------------

    def _session(self, request: Request) -> dict[str, Any] | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            session = self._sessions.loads(raw, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return None
        return (
            session if isinstance(session, dict) and isinstance(session.get("coach"), int) else None
        )

    async def access(
        self, request: Request, *, form: bool = False
    ) -> tuple[Coach, str, Participant] | Response:
        """The signed-in coach, her form token and the participant of the path, or the page
        that says why not (a form post also needs its anti-forgery token)."""
        found = await self._coach(request)
        if found is None:
            return self._signed_out()
        coach, session = found
        if form and await self._checked_session(request) is None:
            return PlainTextResponse("Niet aangemeld of formulier verlopen.", status_code=403)
        participant = await self._participant(coach, request)
        if participant is None:
            return self._not_yours()
        return coach, str(session["csrf"]), participant

    async def signed_in(self, request: Request) -> Coach | Response:
        """The signed-in coach, or the page that asks her to sign in."""
        found = await self._coach(request)
        return found[0] if found is not None else self._signed_out()

    def error_query(self, message: str) -> str:
        """A query string that shows `message` once on the next page. It is signed, so that
        nobody can make the portal show words of their own through a link."""
        return urlencode({"fout": self._errors.dumps(message)})

    def error_in(self, request: Request) -> str:
        try:
            message = self._errors.loads(request.query_params.get("fout", ""), max_age=600)
        except BadSignature:
            return ""
        return message if isinstance(message, str) else ""

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        return self._page(template, status, **context)

    async def _checked_session(self, request: Request) -> dict[str, Any] | None:
        """The session, only when the form carries its anti-forgery token."""
        session = self._session(request)
        if session is None:
            return None
        form = await request.form()
        sent = str(form.get("csrf", ""))
        return session if secrets.compare_digest(sent, str(session.get("csrf", ""))) else None

    async def _coach(self, request: Request) -> tuple[Coach, dict[str, Any]] | None:
        session = self._session(request)
        if session is None:
            return None
        coach = await self._services.repository.coaches.by_id(session["coach"])
        return (coach, session) if coach is not None else None

    async def _participant(self, coach: Coach, request: Request) -> Participant | None:
        return await self._services.repository.coaches.participant(
            coach.id, request.path_params["participant"]
        )

    def _telegram_link(self, coach: Coach) -> str | None:
        bot = self._services.settings.telegram_bot_username
        return f"https://t.me/{bot}?start={coach.join_code}" if bot else None

    def _link_refused(self) -> Response:
        return self._page(
            "coach_message.html",
            status=403,
            title="Deze link werkt niet (meer)",
            message=(
                "Een aanmeldlink werkt één keer en 15 minuten lang. Vraag een nieuwe "
                "met /portaal in Telegram, of met popbot coach login."
            ),
        )

    def _signed_out(self) -> Response:
        return self._page(
            "coach_message.html",
            status=401,
            title="Meld je aan",
            message="Vraag een aanmeldlink met /portaal in Telegram, of met popbot coach login.",
        )

    def _not_yours(self) -> Response:
        return self._page(
            "coach_message.html",
            status=404,
            title="Niet gevonden",
            message="Deze deelnemer hoort niet bij jou.",
        )

    def _page(self, template: str, status: int = 200, **context: Any) -> Response:
        html = self._templates.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def voice_url(participant_id: int, run_id: int, step: str, item: str | None) -> str:
    return f"/coach/deelnemer/{participant_id}/stem/{run_id}/{step}/{item or '-'}"
