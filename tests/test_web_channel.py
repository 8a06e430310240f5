"""The web chat through its ASGI app: what a participant sees and what gets stored."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from itsdangerous import TimestampSigner
from starlette.applications import Starlette

from bot.conversation import CONSENT_NO, CONSENT_YES
from bot.export import export_participant
from bot.services import Services
from bot.settings import Settings
from bot.web_channel import WebChannel
from bot.web_identity import PARTICIPANT_COOKIE, is_code
from flows import wording
from flows.answers import TextAnswer, VoiceAnswer
from flows.conversation_types import Tap, TextIn
from storage.repository import DATABASE_FILE, StoredRun

BASE = "http://testserver"
VOICE = b"\x1aE\xdf\xa3webm-voice-bytes"


@dataclass
class Button:
    value: str
    text: str = ""
    pressed: str | None = None
    tile: bool = False


class Page(HTMLParser):
    """What a participant sees and acts on: buttons, pictures, links, the code."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.buttons: list[Button] = []
        self.links: list[Button] = []
        self.images: list[dict[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self.textarea = self.styled = False
        self.text = ""
        self._open: Button | None = None
        self.feed(html)
        self.code = html.split('<span class="code">', 1)[-1].split("<", 1)[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        self.styled |= "style" in found or tag == "style"
        self.textarea |= tag == "textarea"
        if tag == "button" and "value" in found:
            tile = found.get("class", "").startswith("tile")
            self._open = Button(found["value"], "", found.get("aria-pressed"), tile)
            self.buttons.append(self._open)
        elif tag == "a":
            self._open = Button(found.get("href", ""))
            self.links.append(self._open)
        elif tag in {"img", "script"}:
            (self.images if tag == "img" else self.scripts).append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"button", "a"} and self._open is not None:
            self._open.text = self._open.text.strip()
            self._open = None

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._open is not None:
            self._open.text += data

    @property
    def tiles(self) -> list[Button]:
        return [b for b in self.buttons if b.tile]

    @property
    def words(self) -> list[str]:
        return [b.text for b in self.buttons if not b.tile]

    def value(self, action: str) -> str:
        (value,) = [b.value for b in self.buttons if b.value.endswith(f":{action}")]
        return value


@dataclass
class Web:
    services: Services
    channel: WebChannel
    app: Starlette
    stack: AsyncExitStack
    client: httpx.AsyncClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = self.new_client()

    def new_client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(transport=transport, base_url=BASE, follow_redirects=True)
        self.stack.push_async_callback(client.aclose)
        return client

    async def page(self, client: httpx.AsyncClient | None = None) -> Page:
        response = await (client or self.client).get("/")
        assert response.status_code == 200
        return Page(response.text)

    async def post(self, path: str, **kwargs: Any) -> Page:
        response = await self.client.post(path, **kwargs)
        assert [r.status_code for r in response.history] == [303], response.text
        return Page(response.text)

    async def tap(self, value: str) -> Page:
        return await self.post("/tik", data={"knop": value})

    async def answer(self, text: str) -> Page:
        return await self.post("/antwoord", data={"tekst": text})

    async def do(self, step: str) -> Page:
        """Type `step` if it has a space, else tap the current button with that action."""
        if " " in step:
            return await self.answer(step)
        return await self.tap((await self.page()).value(step))

    async def voice(self, data: bytes, seconds: int, kind: str = "audio/webm") -> Page:
        files = {"stem": ("stem", data, kind)}
        return await self.post("/stem", files=files, data={"duur": str(seconds)})

    async def consent(self) -> str:
        code = (await self.page()).code
        await self.tap("c:yes")
        return code

    async def run(self, code: str) -> StoredRun | None:
        participant = await self.services.repository.participant("web", code)
        assert participant is not None
        return await self.services.repository.open_run(participant.id)

    def rows(self, table: str) -> int:
        with sqlite3.connect(self.services.settings.data_dir / DATABASE_FILE) as db:
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[Web]:
    services = await Services.open(Settings(data_dir=tmp_path / "data"))
    channel = WebChannel(services)
    async with AsyncExitStack() as stack:
        yield Web(services, channel, channel.app(), stack)
    await services.close()


def first_dream(web: Web) -> str:
    return web.services.engines["droompagina"].pool_of("dreams")[0]


def whole_flow(picture: str) -> list[str]:
    """Every step of the droompagina, the same on any channel."""
    why, need, first = "Ik wil bakker worden", "Een cursus volgen", "De bakker bellen"
    return ["droompagina", f"p:{picture}", "done", why, "o:ja", need, f"p:{picture}", first]


async def at_why_question(web: Web) -> tuple[str, Page, Page]:
    """The code, the grid of pictures and the why question after picking one picture."""
    code = await web.consent()
    grid = await web.do("droompagina")
    await web.tap(grid.tiles[0].value)
    return code, grid, await web.do("done")


async def test_first_visit_asks_consent_and_stores_nothing(web: Web) -> None:
    response = await web.client.get("/")
    page = Page(response.text)
    consent = [("c:yes", CONSENT_YES), ("c:no", CONSENT_NO)]
    assert [(b.value, b.text) for b in page.buttons] == consent
    assert is_code(page.code)
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(PARTICIPANT_COOKIE) and "httponly" in cookie
    assert "samesite=lax" in cookie
    assert (await web.page()).code == page.code  # the cookie keeps the code
    assert await web.services.repository.participant("web", page.code) is None
    assert web.rows("participants") == 0


async def test_picking_pictures_and_answering_why(web: Web) -> None:
    code = await web.consent()
    assert {"🪞 Prentenbeeld", "🌈 Droompagina"} <= set((await web.page()).words)
    grid = await web.do("droompagina")
    shown = web.services.engines["droompagina"].pool_of("dreams")[:9]
    labels = [web.services.pictures.get(p).label for p in shown]
    assert [img["alt"] for img in grid.images] == labels
    assert [img["src"] for img in grid.images] == [f"/prent/{p}.png" for p in shown]
    assert all(b.pressed == "false" and "✅" not in b.text for b in grid.tiles)
    assert grid.words == [wording.VERDER, wording.KLAAR, wording.STOP]
    ticked = await web.tap(grid.tiles[2].value)
    assert [b.pressed for b in ticked.tiles].count("true") == 1
    assert ticked.tiles[2].pressed == "true" and "✅" in ticked.tiles[2].text
    why = await web.do("done")
    assert why.textarea and not why.tiles
    assert f"Je koos {labels[2]}. Waarom?" in why.text and why.images[0]["alt"] == labels[2]
    await web.answer("  Ik wil bakker worden  ")
    run = await web.run(code)
    assert run is not None
    answers = await web.services.repository.answers(run.id)
    assert TextAnswer(text="Ik wil bakker worden") in answers.values()
    assert "Kan die droom echt worden?" in (await web.page()).text


async def test_a_picture_before_a_question_shows_after_the_tap_and_is_not_for_keeping(
    web: Web,
) -> None:
    await web.consent()
    thumb = await web.do("hand")
    banner, *tiles = thumb.images
    assert banner["alt"] == "👍 Je duim" and banner["src"].startswith("/beeld/finger-")
    assert (await web.client.get(banner["src"])).status_code == 200
    assert "⬇️ Bewaren" not in [link.text for link in thumb.links], "a result is for keeping"
    assert len(tiles) == 9


async def test_a_question_about_a_picture_shows_it_above_the_answer_tiles(web: Web) -> None:
    await web.consent()
    game = await web.do("vier_op_een_rij")
    assert game.images[0] == {
        "class": "shown",
        "src": "/prent/ex_gloves.png",
        "alt": "Handschoenen",
    }
    answers = ["Veiligheid", "Samenwerken", "Opdrachten", "Op tijd", "Zorg gerief", "Kwaliteit"]
    assert [img["alt"] for img in game.images[1:]] == answers, "the answers as picture tiles"
    wrong = await web.tap(game.value("o:samen"))
    assert wrong.images[0]["src"] == "/prent/ex_gloves.png", "a wrong match: the same question"
    right = await web.tap(wrong.value("o:veilig"))
    assert right.images[0]["src"] == "/prent/ex_alarm.png", "the next example"


@pytest.mark.parametrize("value", ["old", "r999.1:p:home", "garbage", "x" * 100, "c:yes", ""])
async def test_old_or_forged_buttons_change_nothing(web: Web, value: str) -> None:
    code, grid, why = await at_why_question(web)
    before = await web.run(code)
    again = await web.tap(grid.tiles[1].value if value == "old" else value)
    assert again.buttons == why.buttons
    assert (wording.HINT_OLD_BUTTON in again.text) == (value in {"old", "r999.1:p:home", "c:yes"})
    assert await web.run(code) == before


async def test_voice_note_is_kept_as_webm(web: Web) -> None:
    code, _, _ = await at_why_question(web)
    page = await web.voice(VOICE, 5, "audio/webm;codecs=opus")
    assert "Kan die droom echt worden?" in page.text
    run = await web.run(code)
    assert run is not None
    answers = (await web.services.repository.answers(run.id)).values()
    (voice,) = [answer for answer in answers if isinstance(answer, VoiceAnswer)]
    assert voice.duration == 5
    path = web.services.settings.data_dir / voice.file
    assert path.parent.parent == web.services.settings.data_dir / "voice"
    assert path.suffix == ".webm" and path.read_bytes() == VOICE


async def test_an_upload_far_over_the_cap_is_cut_off_before_it_is_kept(web: Web) -> None:
    code, _, _ = await at_why_question(web)
    before = await web.run(code)
    files = {"stem": ("stem", b"v" * 7 * 1024 * 1024, "audio/webm")}
    response = await web.client.post("/stem", files=files, data={"duur": "10"})
    assert response.status_code == 413
    assert await web.run(code) == before
    assert not (web.services.settings.data_dir / "voice").exists()


@pytest.mark.parametrize(("size", "seconds"), [(1000, 200), (5 * 1024 * 1024 + 1, 10)])
async def test_too_long_or_too_big_voice_is_refused(web: Web, size: int, seconds: int) -> None:
    code, _, why = await at_why_question(web)
    before = await web.run(code)
    page = await web.voice(b"v" * size, seconds)
    assert wording.HINT_VOICE_TOO_LONG in page.text and page.buttons == why.buttons
    assert await web.run(code) == before
    assert not (web.services.settings.data_dir / "voice").exists()


async def test_reload_shows_the_same_question_and_notes_only_once(web: Web) -> None:
    code, _, why = await at_why_question(web)
    before = (await web.run(code), web.rows("answers"), web.rows("participants"))
    hinted = await web.answer("   ")
    assert wording.HINT_SAY_OR_SKIP in hinted.text and hinted.buttons == why.buttons
    first, second = await web.page(), await web.page()
    assert wording.HINT_SAY_OR_SKIP not in first.text
    assert first.buttons == second.buttons == hinted.buttons
    assert (await web.run(code), web.rows("answers"), web.rows("participants")) == before


async def test_finishing_shows_the_dream_page_to_keep(web: Web) -> None:
    await web.consent()
    for step in whole_flow(first_dream(web)):
        done = await web.do(step)
    label = web.services.pictures.get(first_dream(web)).label
    (image,) = [img for img in done.images if img["alt"].startswith("Mijn droompagina")]
    assert image["alt"] == f"Mijn droompagina: {label}"
    (link,) = [link for link in done.links if link.text == "⬇️ Bewaren"]
    assert link.value == image["src"] + "?bewaar=1"
    kept = await web.client.get(link.value)
    assert kept.status_code == 200 and kept.headers["content-type"] == "image/jpeg"
    assert kept.headers["content-disposition"].startswith("attachment")
    assert kept.content[:2] == b"\xff\xd8"
    shown = await web.client.get(image["src"])
    assert "content-disposition" not in shown.headers and shown.content == kept.content
    # back at the menu, the method marked done
    assert "🌈 Droompagina ✅" in done.words and "🪞 Prentenbeeld" in done.words
    again = await web.page()  # it stays in view, once, above the menu
    assert [img for img in again.images if img["alt"].startswith("Mijn")] == [image]


FILES = {
    "/gezond": 200,
    "/prent/home.png": 200,
    "/prent/nope.png": 404,
    "/beeld/nope.jpg": 404,
    "/beeld/dream-0123456789abcdef01234567.jpg": 404,
    "/beeld/..%2F..%2Fetc%2Fpasswd.jpg": 404,
    "/beeld/..%2Fpopbot.sqlite3%00.jpg": 404,
    "/beeld/%2E%2E/web-secret.jpg": 404,
    "/prent/..%2F..%2F..%2Fpyproject.png": 404,
}


@pytest.mark.parametrize(("path", "status"), FILES.items())
async def test_files_and_nothing_else(web: Web, path: str, status: int) -> None:
    response = await web.client.get(path)
    assert response.status_code == status and b"secret" not in response.content.lower()


async def test_personal_link_opens_the_same_participant(web: Web) -> None:
    code = await web.consent()
    grid = await web.do("droompagina")
    other = web.new_client()
    seen = Page((await other.get(f"/p/{web.channel.identity.link_token(code)}")).text)
    assert seen.code == code and seen.buttons == grid.buttons
    await web.tap(grid.tiles[0].value)
    assert (await web.page(other)).tiles[0].pressed == "true"


async def test_bad_links_are_refused_kindly(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    code = await web.consent()
    token, other = web.channel.identity.link_token(code), web.new_client()
    tampered = await other.get(f"/p/{'J' if token[0] != 'J' else 'K'}{token[1:]}")
    assert tampered.status_code == 404 and "Deze link werkt niet meer" in tampered.text
    assert PARTICIPANT_COOKIE not in other.cookies
    month_ago = int(time.time()) - 31 * 86400
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: month_ago)
        stale = web.channel.identity.link_token(code)
    assert (await other.get(f"/p/{stale}")).status_code == 404
    assert (await web.page(other)).code != code


async def test_posts_need_our_origin_and_the_cookie(web: Web) -> None:
    data = {"knop": "c:yes"}
    response = await web.client.post("/tik", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert web.rows("participants") == 0 and web.rows("consent_events") == 0
    code = (await web.page()).code
    refused = await web.client.post("/tik", data=data, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert await web.services.repository.participant("web", code) is None
    ok = await web.client.post("/tik", data=data, headers={"Origin": BASE})
    assert ok.status_code == 200 and ok.history[0].status_code == 303
    participant = await web.services.repository.participant("web", code)
    assert participant is not None and participant.consent_given


async def test_page_is_locked_down(web: Web) -> None:
    response = await web.client.get("/")
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    # Never send the page's address to another site (same-origin keeps Origin on our posts).
    assert response.headers["referrer-policy"] in {"no-referrer", "same-origin"}
    assert response.headers["cache-control"] == "no-store"
    page = Page(response.text)
    assert all(script.get("src", "").startswith("/static/") for script in page.scripts)
    assert not page.styled  # the CSP would block inline styles


async def test_export_matches_telegram(web: Web) -> None:
    code = await web.consent()
    steps = whole_flow(first_dream(web))
    for step in steps:
        await web.do(step)
    conversation = web.services.conversation
    await conversation.handle("telegram", "7", Tap("c", "yes"))
    for step in steps:
        scope = (await conversation.current("telegram", "7"))[-1].scope
        await conversation.handle(
            "telegram", "7", TextIn(step) if " " in step else Tap(scope, step)
        )

    async def exported(channel: str, who: str) -> list[dict[str, Any]]:
        s = web.services
        data = await export_participant(s.repository, s.engines, s.pictures, channel, who)
        assert data is not None
        (run,) = data["runs"]
        assert run["status"] == "finished"
        return [{k: v for k, v in step.items() if k != "answered_at"} for step in run["steps"]]

    on_web = await exported("web", code)
    order = ["dreams", "why", "come_true", "need", "work_now", "first_step"]
    assert [step["step"] for step in on_web] == order
    assert on_web[1]["about"]["label"] == web.services.pictures.get(first_dream(web)).label
    assert on_web == await exported("telegram", "7")


async def test_two_devices_are_two_participants(web: Web) -> None:
    code_a = await web.consent()
    await web.tap((await web.do("droompagina")).tiles[0].value)
    b = Web(web.services, web.channel, web.app, web.stack)
    code_b = await b.consent()
    grid_b = await b.do("droompagina")
    assert code_a != code_b and code_a not in grid_b.text
    assert all(tile.pressed == "false" for tile in grid_b.tiles)
    assert (await web.page()).tiles[0].pressed == "true"
    run_a, run_b = await web.run(code_a), await b.run(code_b)
    assert run_a is not None and run_b is not None
    assert run_a.id != run_b.id and run_b.state.selection == ()


async def test_behind_a_proxy_posts_from_the_public_address_are_ours(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", web_public_url="https://pop.example.org")
    services = await Services.open(settings)
    channel = WebChannel(services)
    async with AsyncExitStack() as stack:
        web = Web(services, channel, channel.app(), stack)
        await web.page()
        proxied = {"Origin": "https://pop.example.org"}
        accepted = await web.client.post("/tik", data={"knop": "c:yes"}, headers=proxied)
        assert accepted.history[0].status_code == 303
        other = {"Origin": "https://pop.example.org.evil.example"}
        refused = await web.client.post("/tik", data={"knop": "c:no"}, headers=other)
        assert refused.status_code == 403
    await services.close()
