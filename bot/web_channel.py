"""The web chat: the same conversation as on Telegram, as plain HTML forms.

Every tap is a form post; the page then shows what the conversation says now. Scripts are
only needed to record a voice note. No method logic lives here.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot import callback_data
from bot.coach_exports import ExportPages
from bot.coach_plan_pages import PlanPages
from bot.coach_portal import CoachPortal
from bot.conversation import Incoming, Start, VoiceNote
from bot.homework import brussels, brussels_day
from bot.services import Services
from bot.web_identity import WebIdentity, load_or_create_secret, new_code
from flows.conversation_types import ImageSpec, Reply, TextIn, Unsupported
from images.hooks import render_image
from images.manifest import Manifest

CHANNEL = "web"
HERE = Path(__file__).resolve().parent
MAX_VOICE_UPLOAD = 6 * 1024 * 1024
MAX_FORM = 64 * 1024
KEPT_AS = {"dream": "mijn-droompagina", "plan": "mijn-plan", "me": "dit-ben-ik"}
"""The file name a downloaded picture gets, by the kind of picture (its key's first part)."""
VOICE_SUFFIXES = {"audio/ogg": ".ogg", "audio/webm": ".webm", "audio/mp4": ".m4a"}
_IMAGE_KEY = re.compile(r"[a-z]+-[0-9a-f]{8,64}")
_PICTURE_ID = re.compile(r"[a-z][a-z0-9_]{0,23}")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; media-src 'self' blob:; "
        "style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make form posts say Origin: null
    "Cache-Control": "no-store",
}


@dataclass
class ButtonView:
    value: str
    text: str
    chosen: bool
    picture_url: str | None = None
    label: str = ""


@dataclass
class ReplyView:
    lines: list[str]
    progress: str = ""
    image_url: str | None = None
    image_alt: str = ""
    download_url: str | None = None
    tiles: list[ButtonView] = field(default_factory=list)
    rows: list[list[ButtonView]] = field(default_factory=list)
    free_answer: tuple[str, ...] = ()


class WebChannel:
    def __init__(self, services: Services) -> None:
        self._services = services
        settings = services.settings
        secret = load_or_create_secret(settings.data_dir, settings.web_secret)
        self.identity = WebIdentity(secret, settings.web_secure_cookies)
        self._secret = secret
        self._templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
        )
        self._templates.filters["brussels"] = brussels
        self._templates.filters["brussels_day"] = brussels_day

    def app(self) -> Starlette:
        routes = [
            Route("/", self.page),
            Route("/tik", self.tap, methods=["POST"]),
            Route("/antwoord", self.text, methods=["POST"]),
            Route("/stem", self.voice, methods=["POST"]),
            Route("/prent/{picture}.png", self.picture),
            Route("/beeld/{key}.jpg", self.image),
            Route("/p/{token}", self.personal_link),
            Route("/doe-mee/{code}", self.join),
            Route("/gezond", self.health),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
        secure = self._services.settings.web_secure_cookies
        portal = CoachPortal(self._services, self._secret, self._templates, secure)
        routes += portal.routes() + PlanPages(self._services, portal).routes()
        routes += ExportPages(self._services, portal).routes()
        app = Starlette(routes=routes)
        app.add_middleware(_GuardPosts, public_url=self._services.settings.web_public_url)
        return app

    # ----- pages ------------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        code = self.identity.participant(request)
        is_new = code is None
        if code is None:
            code = new_code()
        notes = self.identity.read_notes(request)
        current = await self._services.conversation.current(CHANNEL, code)
        noted = [_view_from_note(note) for note in notes]
        now = [await self._view(reply) for reply in current]
        views = noted + [view for view in now if view not in noted]
        html = self._templates.get_template("page.html").render(replies=views, code=code)
        response = HTMLResponse(html, headers=SECURITY_HEADERS)
        if notes:
            self.identity.forget_notes(response)
        if is_new:
            self.identity.remember(response, code)
        return response

    async def tap(self, request: Request) -> Response:
        form = await request.form()
        tap = callback_data.decode(_field(form.get("knop")))
        return await self._handle(request, tap or Unsupported("button"))

    async def text(self, request: Request) -> Response:
        form = await request.form()
        return await self._handle(request, TextIn(_field(form.get("tekst"))[:4000]))

    async def voice(self, request: Request) -> Response:
        form = await request.form()
        upload = form.get("stem")
        if not isinstance(upload, UploadFile):
            return await self._handle(request, Unsupported("upload"))
        data = await upload.read(MAX_VOICE_UPLOAD + 1)
        kind = (upload.content_type or "").split(";")[0].strip()
        try:
            seconds = max(1, min(int(_field(form.get("duur"))), 3600))
        except ValueError:
            seconds = 1

        async def keep(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(path.write_bytes, data)

        suffix = VOICE_SUFFIXES.get(kind, ".webm")
        return await self._handle(request, VoiceNote(seconds, len(data), keep, suffix))

    async def _handle(self, request: Request, incoming: Incoming) -> Response:
        response = RedirectResponse("/", status_code=303)
        code = self.identity.participant(request)
        if code is None:
            return response
        replies = await self._services.conversation.handle(CHANNEL, code, incoming)
        # The page shows the current question anyway; carry over what else was said.
        notes = [_note(await self._view(reply)) for reply in replies if not reply.buttons]
        self.identity.leave_notes(response, notes)
        return response

    # ----- files ------------------------------------------------------------------------------

    async def picture(self, request: Request) -> Response:
        picture = request.path_params["picture"]
        pictures = self._services.pictures
        if not _PICTURE_ID.fullmatch(picture) or picture not in pictures:
            return PlainTextResponse("Niet gevonden", status_code=404)
        return FileResponse(
            pictures.path(picture), headers={"Cache-Control": "public, max-age=86400"}
        )

    async def image(self, request: Request) -> Response:
        key = request.path_params["key"]
        path = self._services.renderer.cache_dir / f"{key}.jpg"
        if not _IMAGE_KEY.fullmatch(key) or not path.is_file():
            return PlainTextResponse("Niet gevonden", status_code=404)
        headers = {"Cache-Control": "private, max-age=86400"}
        if request.query_params.get("bewaar"):
            kept_as = KEPT_AS.get(key.split("-", 1)[0], "mijn-prent")
            headers["Content-Disposition"] = f'attachment; filename="{kept_as}.jpg"'
        return FileResponse(path, media_type="image/jpeg", headers=headers)

    async def join(self, request: Request) -> Response:
        """A coach's join link: after consent (asked here first when needed) the participant
        joins that coach."""
        code = self.identity.participant(request)
        is_new = code is None
        if code is None:
            code = new_code()
        start = Start(join_code=request.path_params["code"][:20])
        replies = await self._services.conversation.handle(CHANNEL, code, start)
        views = [await self._view(reply) for reply in replies]
        html = self._templates.get_template("page.html").render(replies=views, code=code)
        response = HTMLResponse(html, headers=SECURITY_HEADERS)
        if is_new:
            self.identity.remember(response, code)
        return response

    async def personal_link(self, request: Request) -> Response:
        code = self.identity.from_link(request.path_params["token"])
        if code is None:
            return PlainTextResponse(
                "Deze link werkt niet meer. Vraag een nieuwe aan je coach.", status_code=404
            )
        response = RedirectResponse("/", status_code=303)
        self.identity.remember(response, code)
        return response

    async def health(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    # ----- from replies to what the page shows ------------------------------------------------

    async def _view(self, reply: Reply) -> ReplyView:
        view = ReplyView(
            lines=reply.text.splitlines(),
            progress=reply.progress,
            free_answer=reply.free_answer,
        )
        labels = self._services.pictures
        for row in reply.buttons:
            words: list[ButtonView] = []
            for button in row:
                value = callback_data.encode(reply.scope, button.action)
                if button.picture is not None:
                    view.tiles.append(
                        ButtonView(
                            value,
                            button.text,
                            button.chosen,
                            picture_url=f"/prent/{button.picture}.png",
                            # the button's own words (an answer's words may differ
                            # from the picture's), without its number or tick
                            label=button.text.split(" ", 1)[-1],
                        )
                    )
                else:
                    words.append(ButtonView(value, button.text, button.chosen))
            if words:
                view.rows.append(words)
        tiled = {button.picture for row in reply.buttons for button in row if button.picture}
        if reply.image is not None and view.tiles:
            # the tiles are the picture buttons; a picture the question is about stays in view
            about = [p for p in reply.image.pictures if p not in tiled and p in labels]
            if about:
                view.image_url = f"/prent/{about[0]}.png"
                view.image_alt = labels.get(about[0]).label
        elif reply.image is not None:
            rendered = await asyncio.to_thread(render_image, self._services.renderer, reply.image)
            view.image_url = f"/beeld/{rendered.key}.jpg"
            view.image_alt = _alt_text(reply.image, labels, reply.text)
            if reply.keep:
                view.download_url = f"{view.image_url}?bewaar=1"
        return view


class _TooLarge(Exception):
    pass


class _GuardPosts:
    """Form posts only from our own pages (the cookie is SameSite=Lax as well), and no
    body larger than the route needs: a voice note, or a few words."""

    def __init__(self, app: Any, public_url: str | None) -> None:
        self._app = app
        self._public_origin = public_url.split("/", 3)[2] if public_url else None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self._app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        origin = headers.get(b"origin", b"").decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1")
        if origin and origin.split("://", 1)[-1] not in {host, self._public_origin}:
            await PlainTextResponse("Dat mag niet.", status_code=403)(scope, receive, send)
            return
        limit = MAX_VOICE_UPLOAD if scope["path"] == "/stem" else MAX_FORM
        declared = headers.get(b"content-length", b"0").decode("latin-1")
        if not declared.isdigit() or int(declared) > limit:
            await _too_large(scope, receive, send)
            return
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _TooLarge
            return message

        try:
            await self._app(scope, counted, send)
        except _TooLarge:
            await _too_large(scope, receive, send)


async def _too_large(scope: Any, receive: Any, send: Any) -> None:
    await PlainTextResponse("Dat is te groot.", status_code=413)(scope, receive, send)


def _field(value: object) -> str:
    return value if isinstance(value, str) else ""


def _alt_text(image: ImageSpec, pictures: Manifest, fallback: str = "") -> str:
    """What the image shows, in words: the captions where it has them (a plan), its parts
    (a menu, a board, a hand: their words, else their pictures' labels), else the labels of
    its pictures; with its title in front. Nothing to name: `fallback` (the message)."""
    if image.captions:
        names = ", ".join(caption.splitlines()[0] for caption in image.captions if caption)
    elif image.parts:
        pieces = []
        for part in image.parts:
            shown = ", ".join(
                part.words or pictures.labels(p for p in part.pictures if p in pictures)
            )
            pieces.append(f"{part.label}: {shown}" if part.label and shown else part.label or shown)
        names = "; ".join(piece for piece in pieces if piece)
    else:
        names = ", ".join(pictures.labels(p for p in image.pictures if p in pictures))
    named = f"{image.title}: {names}" if image.title and names else image.title or names
    return named or fallback


def _note(view: ReplyView) -> dict[str, Any]:
    """A message without buttons, as the next page shows it (its picture already made):
    carried over in a signed cookie."""
    note: dict[str, Any] = {"lines": view.lines}
    if view.image_url:
        note["image"] = [view.image_url, view.image_alt, view.download_url]
    return note


def _view_from_note(note: dict[str, Any]) -> ReplyView:
    view = ReplyView(lines=[str(line) for line in note.get("lines", [])])
    image = note.get("image")
    if isinstance(image, list) and len(image) == 3:
        view.image_url, view.image_alt, view.download_url = image
    return view
