"""The coach's portal through the ASGI app: signing in, seeing only one's own participants,
their answers with pictures and voice notes, naming them, and joining through the web link."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from bot.coach_portal import SESSION_COOKIE
from bot.conversation import Start
from bot.services import Services
from bot.settings import Settings
from bot.trajectories import load_trajectories
from bot.web_channel import WebChannel
from bot.web_identity import load_or_create_secret
from storage.coach_repository import Coach
from tests.conftest import FakeClock
from tests.test_web_channel import Page as ChatPage
from tests.test_web_channel import Web
from tests.transcript import VOICE_BYTES, Transcript

HOME_WHY, FIRST_STEP = "Ik wil een eigen plek.", "Ik vraag het aan mijn coach."
TOM_SECRET = "Tom zijn deelnemer wil piloot worden."


class PortalPage(HTMLParser):
    """What a coach sees: text, pictures, audio, links, form fields and the answer steps."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text = ""
        self.tags: dict[str, list[dict[str, str]]] = {}
        self.steps: list[tuple[bool, str]] = []  # (highlighted, text)
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        self.tags.setdefault(tag, []).append(found)
        if tag == "li" and (self._depth or "step" in found.get("class", "").split()):
            if not self._depth:
                self.steps.append(("highlight" in found["class"].split(), ""))
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._depth:
            highlighted, text = self.steps[-1]
            self.steps[-1] = (highlighted, text + data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return self.tags.get(tag, [])

    @property
    def csrf(self) -> str:
        (token,) = {i["value"] for i in self.all("input") if i.get("name") == "csrf"}
        return token


@dataclass
class Portal:
    web: Web
    clock: FakeClock
    sara: Coach
    tom: Coach

    @property
    def services(self) -> Services:
        return self.web.services

    async def link(self, coach: Coach) -> str:
        return (await self.services.coaching.sign_in_link(coach)).removeprefix(
            self.services.settings.web_url
        )

    async def signed_in(self, coach: Coach) -> httpx.AsyncClient:
        client = self.web.new_client()
        response = await client.post(await self.link(coach))
        assert response.status_code == 200 and SESSION_COOKIE in client.cookies
        return client

    async def joined(self, user: str, coach: Coach) -> Transcript:
        talk = Transcript(self.services.conversation, user)
        await talk.send(Start(join_code=coach.join_code), "/start code")
        await talk.tap("✅")
        return talk

    async def pid(self, channel: str, who: str) -> int:
        participant = await self.services.repository.participant(channel, who)
        assert participant is not None
        return participant.id


@pytest.fixture
async def portal(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Portal]:
    services = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    sara = (await services.coaching.add_coach("Sara")).coach
    tom = (await services.coaching.add_coach("Tom")).coach
    channel = WebChannel(services)
    async with AsyncExitStack() as stack:
        portal = Portal(Web(services, channel, channel.app(), stack), clock, sara, tom)
        mia = await portal.joined("1", sara)  # a whole Droompagina with a voice note
        for step in ("🌈", "1️⃣", "3️⃣", "🏁"):
            await mia.tap(step)
        await mia.say(HOME_WHY)
        await mia.tap("👍")
        await mia.voice(12)
        await mia.tap("⏭️")
        await mia.tap("🤷")
        await mia.tap("1️⃣")
        await mia.say(FIRST_STEP)
        toms = await portal.joined("3", tom)
        for step in ("🌈", "9️⃣", "🏁"):
            await toms.tap(step)
        await toms.say(TOM_SECRET)
        await toms.tap("👍")
        await toms.voice(7)
        yield portal
    await services.close()


async def test_opening_the_link_asks_to_confirm_and_does_not_use_it(portal: Portal) -> None:
    """A link preview or mail scanner that opens the link must not burn it."""
    link = await portal.link(portal.sara)
    scanner = portal.web.new_client()
    for _ in range(2):
        shown = await scanner.get(link)
        assert shown.status_code == 200 and "Aanmelden als Sara" in shown.text
        assert SESSION_COOKIE not in scanner.cookies
    coach = portal.web.new_client()
    assert (await coach.post(link)).status_code == 200 and SESSION_COOKIE in coach.cookies
    assert (await portal.web.new_client().get(link)).status_code == 403, "used now"


async def test_signing_in_sets_a_session_cookie_and_shows_the_list(portal: Portal) -> None:
    client = portal.web.new_client()
    response = await client.post(await portal.link(portal.sara), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/coach"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in cookie
    assert "path=/coach" in cookie and "samesite=lax" in cookie
    listed = await client.get("/coach")
    assert listed.status_code == 200
    page = PortalPage(listed.text)
    assert "Mijn deelnemers" in page.text and "Sara" in page.text
    assert portal.sara.join_code in page.text
    mine = await portal.pid("telegram", "1")
    assert [a["href"] for a in page.all("a") if "/deelnemer/" in a["href"]] == [
        f"/coach/deelnemer/{mine}"
    ]
    assert "Droompagina" in page.text  # finished


async def test_a_reused_or_expired_link_is_refused(portal: Portal) -> None:
    used = await portal.link(portal.sara)
    await portal.web.new_client().post(used)
    again = portal.web.new_client()
    for ask in (again.get, again.post):
        refused = await ask(used)
        assert refused.status_code == 403 and "werkt niet" in refused.text
    assert SESSION_COOKIE not in again.cookies
    late = await portal.link(portal.sara)
    portal.clock.now += timedelta(minutes=16)
    for ask in (again.get, again.post):
        expired = await ask(late)
        assert expired.status_code == 403 and SESSION_COOKIE not in again.cookies
    assert (await again.get("/coach")).status_code == 401


async def test_a_coach_never_sees_another_coachs_participant(portal: Portal) -> None:
    sara, tom = await portal.signed_in(portal.sara), await portal.signed_in(portal.tom)
    mine, toms = await portal.pid("telegram", "1"), await portal.pid("telegram", "3")
    toms_page = PortalPage((await tom.get(f"/coach/deelnemer/{toms}")).text)
    (toms_voice,) = [a["src"] for a in toms_page.all("audio")]
    assert (await tom.get(toms_voice)).content == VOICE_BYTES
    listed = (await sara.get("/coach")).text
    assert f"/coach/deelnemer/{toms}" not in listed and "(telegram)" in listed
    for path in (f"/coach/deelnemer/{toms}", toms_voice):
        response = await sara.get(path)
        assert response.status_code == 404 and TOM_SECRET not in response.text
        assert response.content != VOICE_BYTES
    own_run_of_toms = toms_voice.replace(f"/deelnemer/{toms}/", f"/deelnemer/{mine}/")
    assert (await sara.get(own_run_of_toms)).status_code == 404
    assert (await sara.get(f"/coach/deelnemer/{toms + 100}")).status_code == 404
    assert HOME_WHY not in (await tom.get(f"/coach/deelnemer/{mine}")).text


async def test_the_summary_shows_pictures_texts_voice_and_highlights(portal: Portal) -> None:
    client = await portal.signed_in(portal.sara)
    response = await client.get(f"/coach/deelnemer/{await portal.pid('telegram', '1')}")
    assert response.status_code == 200
    page = PortalPage(response.text)
    srcs = [img["src"] for img in page.all("img")]
    assert {"/prent/home.png", "/prent/children.png"} <= set(srcs)
    assert "Huis" in page.steps[0][1] and "Kinderen" in page.steps[0][1]
    assert f"“{HOME_WHY}”" in page.text and f"“{FIRST_STEP}”" in page.text
    assert (await client.get("/prent/home.png")).status_code == 200
    (audio,) = page.all("audio")
    voice = await client.get(audio["src"])
    assert voice.status_code == 200 and voice.headers["content-type"].startswith("audio/")
    assert voice.content == VOICE_BYTES and "12 s" in page.text
    highlighted = [text for lit, text in page.steps if lit]
    assert [text.split("?")[0].strip() for text in highlighted] == [
        "Kan die droom echt worden",
        "Kan die droom echt worden",
        "Aan welke droom kan je nu al werken",
        "Wat kan je doen voor Huis",
    ]
    assert not any(HOME_WHY in text for text in highlighted)
    assert "klaar" in page.text and "overgeslagen" in page.text


async def test_renaming_needs_the_forms_token(portal: Portal) -> None:
    client = await portal.signed_in(portal.sara)
    mine = await portal.pid("telegram", "1")
    page = PortalPage((await client.get(f"/coach/deelnemer/{mine}")).text)
    path = f"/coach/deelnemer/{mine}/naam"
    other_csrf = PortalPage((await (await portal.signed_in(portal.tom)).get("/coach")).text).csrf
    for form in (
        {"naam": "Hacker"},
        {"naam": "Hacker", "csrf": "x" * 22},
        {
            "naam": "Hacker",
            "csrf": other_csrf,
        },
    ):
        assert (await client.post(path, data=form)).status_code == 403
    evil = {"Origin": "https://evil.example"}
    posted = await client.post(path, data={"naam": "Hacker", "csrf": page.csrf}, headers=evil)
    assert posted.status_code == 403
    assert "Hacker" not in (await client.get("/coach")).text
    renamed = await client.post(path, data={"naam": "  Mia <b>P</b> ", "csrf": page.csrf})
    assert renamed.status_code == 200 and renamed.url.path == f"/coach/deelnemer/{mine}"
    listed = (await client.get("/coach")).text
    assert "Mia &lt;b&gt;P&lt;/b&gt;" in listed and "<b>P</b>" not in listed
    toms = await portal.pid("telegram", "3")
    stolen = await client.post(
        f"/coach/deelnemer/{toms}/naam", data={"naam": "X", "csrf": page.csrf}
    )
    assert stolen.status_code == 404


async def test_signing_out_clears_the_cookie(portal: Portal) -> None:
    client = await portal.signed_in(portal.sara)
    csrf = PortalPage((await client.get("/coach")).text).csrf
    out = await client.post("/coach/afmelden", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    assert SESSION_COOKIE not in client.cookies
    assert (await client.get("/coach")).status_code == 401


async def test_without_a_session_every_page_asks_to_sign_in(portal: Portal) -> None:
    client = await portal.signed_in(portal.sara)
    mine = await portal.pid("telegram", "1")
    page = PortalPage((await client.get(f"/coach/deelnemer/{mine}")).text)
    paths = ["/coach", f"/coach/deelnemer/{mine}", page.all("audio")[0]["src"]]
    stranger = portal.web.new_client()
    for path in paths:
        response = await stranger.get(path)
        assert response.status_code == 401 and "Meld je aan" in response.text
        assert HOME_WHY not in response.text and "Huis" not in response.text
        assert response.content != VOICE_BYTES
    renamed = await stranger.post(f"/coach/deelnemer/{mine}/naam", data={"naam": "X"})
    assert renamed.status_code == 401 and "Meld je aan" in renamed.text


async def test_forged_session_cookies_are_refused(portal: Portal) -> None:
    good = (await portal.signed_in(portal.sara)).cookies[SESSION_COOKIE]
    secret = load_or_create_secret(portal.services.settings.data_dir, None)
    session = {"coach": portal.sara.id, "csrf": "x"}
    forged = [
        good[:-2] + ("AA" if good[-2:] != "AA" else "BB"),  # tampered signature
        URLSafeTimedSerializer("not-our-secret", salt="coach-session").dumps(session),
        URLSafeTimedSerializer(secret, salt="participant-cookie").dumps(session),
        URLSafeTimedSerializer(secret, salt="coach-session").dumps({**session, "coach": 99}),
        '{"coach": 1}',
    ]

    async def with_cookie(value: str) -> httpx.Response:
        client = portal.web.new_client()
        client.cookies.set(SESSION_COOKIE, value, domain="testserver.local", path="/coach")
        return await client.get("/coach")

    assert (await with_cookie(good)).status_code == 200  # the way in works with a real one
    for value in forged:
        response = await with_cookie(value)
        assert response.status_code == 401, value
        assert "Deelnemer" not in response.text


async def test_a_web_participant_joins_through_the_link_after_consent(portal: Portal) -> None:
    web, code = portal.web, portal.sara.join_code
    before = (web.rows("participants"), web.rows("consent_events"))
    page = ChatPage((await web.client.get(f"/doe-mee/{code}")).text)
    assert "Mag ik je antwoorden bewaren?" in page.text
    yes = page.value(f"yes:{code.lower()}")
    assert (web.rows("participants"), web.rows("consent_events")) == before
    assert await web.services.repository.participant("web", page.code) is None
    after = await web.tap(yes)
    assert "Je coach is nu Sara." in after.text
    participant = await web.services.repository.participant("web", page.code)
    assert participant is not None and participant.coach_id == portal.sara.id
    listed = (await (await portal.signed_in(portal.sara)).get("/coach")).text
    assert f"/coach/deelnemer/{participant.id}" in listed and "(web)" in listed


async def test_a_consented_web_participant_joins_directly(portal: Portal) -> None:
    web = portal.web
    who = await web.consent()
    page = ChatPage((await web.client.get(f"/doe-mee/{portal.tom.join_code}")).text)
    assert "Je coach is nu Tom." in page.text
    assert {"🌈 Droompagina", "🪞 Prentenbeeld"} <= set(page.words), "then the menu"
    participant = await web.services.repository.participant("web", who)
    assert participant is not None and participant.coach_id == portal.tom.id


# ----- the trajectory -------------------------------------------------------------------------

TRAJECTORIES = """
trajectories:
  - id: dromen_eerst
    title: "Variant D — eerst dromen"
    about: "Eerst de droompagina, dan het prentenbeeld."
    methods: [droompagina, prentenbeeld]
  - id: wie_eerst
    title: "Variant W — eerst wie ben ik"
    about: "Eerst het prentenbeeld, dan de droompagina."
    methods: [prentenbeeld, droompagina]
"""


def trajectory_choices(page: PortalPage) -> dict[str, bool]:
    """The trajectory radio buttons: value → checked."""
    return {
        field["value"]: "checked" in field
        for field in page.all("input")
        if field.get("name") == "traject"
    }


def methods_shown(page: PortalPage) -> list[str]:
    html_text = " ".join(page.text.split())
    start = html_text.index("Traject kiezen") + len("Traject kiezen")
    return html_text[start:].split("Huiswerk")[0].split("Jouw inschatting")[0].split()


@pytest.fixture
def trajectories(portal: Portal, tmp_path: Path) -> None:
    """Two trajectories over the flows the tests have (the shipped ones need every method)."""
    path = tmp_path / "trajectories.yml"
    path.write_text(TRAJECTORIES, encoding="utf-8")
    portal.services.trajectories = load_trajectories(path, portal.services.engines.keys())


@pytest.mark.usefixtures("trajectories")
async def test_a_chosen_trajectory_shows_its_methods_and_the_next_one(portal: Portal) -> None:
    client = await portal.signed_in(portal.sara)
    mine = await portal.pid("telegram", "1")  # she finished a Droompagina
    path = f"/coach/deelnemer/{mine}"
    page = PortalPage((await client.get(path)).text)
    assert trajectory_choices(page) == {"": True, "dromen_eerst": False, "wie_eerst": False}
    assert "Vrij" in page.text and "Eerst het prentenbeeld, dan de droompagina." in page.text
    assert "👉" not in page.text

    chosen = await client.post(f"{path}/traject", data={"csrf": page.csrf, "traject": "wie_eerst"})
    assert chosen.status_code == 200 and chosen.url.path == path
    page = PortalPage(chosen.text)
    assert trajectory_choices(page) == {"": False, "dromen_eerst": False, "wie_eerst": True}
    assert methods_shown(page)[:6] == [
        "👉",
        "Prentenbeeld",
        "(volgende)",
        "✅",
        "Droompagina",
        "(klaar)",
    ]
    participant = await portal.services.repository.participant_by_id(mine)
    assert participant is not None and participant.trajectory == "wie_eerst"

    page = PortalPage(
        (await client.post(f"{path}/traject", data={"csrf": page.csrf, "traject": ""})).text
    )
    assert trajectory_choices(page)[""] and "👉" not in page.text
    participant = await portal.services.repository.participant_by_id(mine)
    assert participant is not None and participant.trajectory is None


@pytest.mark.usefixtures("trajectories")
async def test_a_forged_trajectory_is_refused_and_nothing_is_stored(portal: Portal) -> None:
    client = await portal.signed_in(portal.sara)
    mine = await portal.pid("telegram", "1")
    path = f"/coach/deelnemer/{mine}/traject"
    csrf = PortalPage((await client.get(f"/coach/deelnemer/{mine}")).text).csrf
    for form in ({"csrf": csrf, "traject": "variant_99"}, {"csrf": csrf}):
        refused = await client.post(path, data=form)
        assert refused.status_code == 400 and "Dat traject bestaat niet." in refused.text
    assert (await client.post(path, data={"traject": "wie_eerst"})).status_code == 403
    evil = {"Origin": "https://evil.example"}
    forged = await client.post(path, data={"csrf": csrf, "traject": "wie_eerst"}, headers=evil)
    assert forged.status_code == 403
    participant = await portal.services.repository.participant_by_id(mine)
    assert participant is not None and participant.trajectory is None


@pytest.mark.usefixtures("trajectories")
async def test_a_coach_cannot_choose_a_trajectory_for_another_coachs_participant(
    portal: Portal,
) -> None:
    sara = await portal.signed_in(portal.sara)
    mine, toms = await portal.pid("telegram", "1"), await portal.pid("telegram", "3")
    csrf = PortalPage((await sara.get(f"/coach/deelnemer/{mine}")).text).csrf
    stolen = await sara.post(
        f"/coach/deelnemer/{toms}/traject", data={"csrf": csrf, "traject": "wie_eerst"}
    )
    assert stolen.status_code == 404
    participant = await portal.services.repository.participant_by_id(toms)
    assert participant is not None and participant.trajectory is None


async def test_the_shipped_trajectories_are_offered(portal: Portal) -> None:
    client = await portal.signed_in(portal.sara)
    page = PortalPage(
        (await client.get(f"/coach/deelnemer/{await portal.pid('telegram', '1')}")).text
    )
    assert list(trajectory_choices(page)) == ["", *portal.services.trajectories]
    for trajectory in portal.services.trajectories.values():
        assert trajectory.title in page.text and trajectory.about in page.text
