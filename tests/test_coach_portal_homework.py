"""Giving homework in the coach's portal: the form, what the participant page then shows,
and the forms that must store nothing (forged, wrong, or for someone else's participant)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from bot.coach_portal import SESSION_COOKIE
from bot.homework import BRUSSELS
from bot.services import Services
from bot.settings import Settings
from bot.web_channel import WebChannel
from storage.coach_repository import Coach
from tests.conftest import FakeClock

BASE = "http://testserver"


class PortalPage(HTMLParser):
    """The text a coach reads, the form's hidden token, the homework lines and the error."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text = ""
        self.csrf: set[str] = set()
        self.homework: list[str] = []
        self.errors: list[str] = []
        self._in: list[str] = []  # "homework" / "error" while inside those elements
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "input" and found.get("name") == "csrf":
            self.csrf.add(found["value"])
        if tag == "li" and self._in[-1:] == ["list"]:
            self.homework.append("")
            self._in.append("homework")
        elif tag == "ul" and "homework-list" in found.get("class", ""):
            self._in.append("list")
        elif tag == "p" and found.get("role") == "alert":
            self.errors.append("")
            self._in.append("error")

    def handle_endtag(self, tag: str) -> None:
        ends = {"li": "homework", "ul": "list", "p": "error"}
        if self._in and ends.get(tag) == self._in[-1]:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        if "homework" in self._in:
            self.homework[-1] = " ".join((self.homework[-1] + " " + data).split())
        if self._in[-1:] == ["error"]:
            self.errors[-1] += data

    @property
    def token(self) -> str:
        (token,) = self.csrf
        return token


@dataclass
class Portal:
    services: Services
    app: httpx.ASGITransport
    stack: AsyncExitStack
    clock: FakeClock
    sara: Coach
    tom: Coach
    mia: int  # Sara's participant on Telegram
    tims: int  # Tom's participant

    async def signed_in(self, coach: Coach) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=self.app, base_url=BASE, follow_redirects=True)
        self.stack.push_async_callback(client.aclose)
        link = await self.services.coaching.sign_in_link(coach)
        response = await client.post(link.removeprefix(self.services.settings.web_url))
        assert response.status_code == 200 and SESSION_COOKIE in client.cookies
        return client

    async def page(self, client: httpx.AsyncClient, participant: int) -> PortalPage:
        response = await client.get(f"/coach/deelnemer/{participant}")
        assert response.status_code == 200
        return PortalPage(response.text)

    async def homework_rows(self) -> int:
        count = 0
        for participant in (self.mia, self.tims):
            count += len(await self.services.repository.homework.of_participant(participant))
        return count


@pytest.fixture
async def portal(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Portal]:
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=BRUSSELS)  # a Monday
    services = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    sara, tom = [(await services.coaching.add_coach(name)).coach for name in ("Sara", "Tom")]
    ids = []
    for coach, chat in ((sara, "4242"), (tom, "5353")):
        participant = await services.repository.record_consent("telegram", chat, given=True)
        await services.repository.coaches.join(participant.id, coach.id)
        ids.append(participant.id)
    transport = httpx.ASGITransport(app=WebChannel(services).app())
    async with AsyncExitStack() as stack:
        yield Portal(services, transport, stack, clock, sara, tom, ids[0], ids[1])
    await services.close()


async def give(
    client: httpx.AsyncClient, participant: int, csrf: str | None, methode: str, datum: str
) -> httpx.Response:
    form = {"methode": methode, "datum": datum}
    if csrf is not None:
        form["csrf"] = csrf
    return await client.post(f"/coach/deelnemer/{participant}/huiswerk", data=form)


async def test_homework_given_in_the_form_shows_as_open_with_its_messages(
    portal: Portal,
) -> None:
    sara = await portal.signed_in(portal.sara)
    before = await portal.page(sara, portal.mia)
    assert "Nog geen huiswerk." in before.text and before.homework == []
    response = await give(sara, portal.mia, before.token, "droompagina", "2026-03-06")
    assert [r.status_code for r in response.history] == [303]
    assert response.url.path == f"/coach/deelnemer/{portal.mia}"
    after = PortalPage(response.text)
    (line,) = after.homework
    assert line.startswith("Droompagina voor vrijdag 6 maart: open")
    assert "bericht gepland 02/03/2026 10:00" in line
    assert "herinnering gepland 05/03/2026 10:00" in line
    assert after.errors == [] and "Nog geen huiswerk." not in after.text
    (stored,) = await portal.services.repository.homework.of_participant(portal.mia)
    assert stored.coach_id == portal.sara.id and stored.flow_id == "droompagina"
    listed = await sara.get("/coach")
    assert 'data-label="Huiswerk open">Droompagina</td>' in listed.text
    portal.clock.now = datetime(2026, 3, 7, 9, 0, tzinfo=BRUSSELS)
    (late,) = (await portal.page(sara, portal.mia)).homework
    assert "vrijdag 6 maart: te laat" in late


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
async def test_without_the_right_form_token_nothing_is_stored(
    portal: Portal, csrf: str | None
) -> None:
    sara = await portal.signed_in(portal.sara)
    response = await give(sara, portal.mia, csrf, "droompagina", "2026-03-06")
    assert response.status_code == 403 and response.history == []
    assert await portal.homework_rows() == 0
    assert (await portal.page(sara, portal.mia)).homework == []


async def test_signed_out_nothing_is_stored(portal: Portal) -> None:
    sara = await portal.signed_in(portal.sara)
    token = (await portal.page(sara, portal.mia)).token
    stranger = httpx.AsyncClient(transport=portal.app, base_url=BASE)
    portal.stack.push_async_callback(stranger.aclose)
    response = await give(stranger, portal.mia, token, "droompagina", "2026-03-06")
    assert response.status_code == 401 and "Meld je aan" in response.text
    assert await portal.homework_rows() == 0


@pytest.mark.parametrize(
    ("methode", "datum", "error"),
    [
        ("droompagina", "2026-03-01", "de datum is al voorbij"),
        ("droompagina", "volgende week", "geen geldige datum"),
        ("droompagina", "2026-02-30", "geen geldige datum"),
        ("droompagina", "", "geen geldige datum"),
        ("zwemmen", "2026-03-06", "onbekende methode 'zwemmen'"),
    ],
)
async def test_a_wrong_date_or_method_comes_back_with_an_error_and_stores_nothing(
    portal: Portal, methode: str, datum: str, error: str
) -> None:
    sara = await portal.signed_in(portal.sara)
    token = (await portal.page(sara, portal.mia)).token
    response = await give(sara, portal.mia, token, methode, datum)
    assert [r.status_code for r in response.history] == [303]
    assert response.url.path == f"/coach/deelnemer/{portal.mia}"
    page = PortalPage(response.text)
    assert page.errors == [f"Niet gelukt: {error}."]
    assert page.homework == [] and await portal.homework_rows() == 0
    assert (await portal.page(sara, portal.mia)).errors == []  # gone on the next visit


async def test_today_is_still_allowed(portal: Portal) -> None:
    sara = await portal.signed_in(portal.sara)
    token = (await portal.page(sara, portal.mia)).token
    page = PortalPage((await give(sara, portal.mia, token, "droompagina", "2026-03-02")).text)
    (line,) = page.homework
    assert "maandag 2 maart: open" in line and "herinnering" not in line


async def test_words_put_in_the_address_by_someone_else_are_not_shown(portal: Portal) -> None:
    sara = await portal.signed_in(portal.sara)
    for forged in ("<script>alert(1)</script>", "Bel dringend 0470 12 34 56"):
        response = await sara.get(f"/coach/deelnemer/{portal.mia}", params={"fout": forged})
        assert response.status_code == 200
        assert PortalPage(response.text).errors == []
        assert "alert" not in response.text and "0470" not in response.text


async def test_no_homework_for_another_coachs_participant(portal: Portal) -> None:
    tom = await portal.signed_in(portal.tom)
    token = (await portal.page(tom, portal.tims)).token
    for participant in (portal.mia, portal.mia + 100):
        response = await give(tom, participant, token, "droompagina", "2026-03-06")
        assert response.status_code == 404 and "hoort niet bij jou" in response.text
    assert await portal.homework_rows() == 0
    sara = await portal.signed_in(portal.sara)
    assert (await portal.page(sara, portal.mia)).homework == []


async def test_reminders_switched_off_in_the_chat_show_and_can_go_on_again(
    portal: Portal,
) -> None:
    sara = await portal.signed_in(portal.sara)
    before = await portal.page(sara, portal.mia)
    assert "wil geen herinneringen" not in before.text
    mia = await portal.services.repository.participant_by_id(portal.mia)
    assert mia is not None
    await portal.services.homework.stop_reminders(mia)
    off = await portal.page(sara, portal.mia)
    assert "wil geen herinneringen (sinds 02/03/2026)" in off.text
    path = f"/coach/deelnemer/{portal.mia}/herinneringen"
    forged = await sara.post(path, data={"csrf": "nee"})
    assert forged.status_code == 403
    response = await sara.post(path, data={"csrf": off.token})
    assert "wil geen herinneringen" not in response.text
    mia = await portal.services.repository.participant_by_id(portal.mia)
    assert mia is not None and mia.reminders_off_at is None
    await portal.services.homework.stop_reminders(mia)
    tom = await portal.signed_in(portal.tom)
    toms_token = (await portal.page(tom, portal.tims)).token
    assert (await tom.post(path, data={"csrf": toms_token})).status_code == 404
    still_off = await portal.services.repository.participant_by_id(portal.mia)
    assert still_off is not None and still_off.reminders_off_at is not None
