"""Exporting from the portal: the POP as PDF for Mijn Loopbaan, and the monthly overview of
completed POPs as CSV for Excel; each coach gets only her own participants."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bot.action_plan import ActionPlan
from bot.conversation import Start
from bot.services import Services
from bot.settings import Settings
from bot.web_channel import WebChannel
from storage.coach_repository import Coach
from tests.conftest import FakeClock
from tests.transcript import Transcript

BASE = "http://testserver"
BOM = b"\xef\xbb\xbf"
COLUMNS = [
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
]
MIA_SAID = "Ik wil koken in een restaurant."


@dataclass
class Portal:
    services: Services
    app: Starlette
    clock: FakeClock
    sara: Coach
    tom: Coach
    clients: list[httpx.AsyncClient]

    def client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(transport=transport, base_url=BASE, follow_redirects=True)
        self.clients.append(client)
        return client

    async def signed_in(self, coach: Coach) -> httpx.AsyncClient:
        client = self.client()
        link = await self.services.coaching.sign_in_link(coach)
        response = await client.post(link.removeprefix(self.services.settings.web_url))
        assert response.status_code == 200 and "Mijn deelnemers" in response.text
        return client

    async def joined(self, user: str, coach: Coach) -> tuple[int, Transcript]:
        """A Telegram participant who joins the coach with her code and says yes."""
        talk = Transcript(self.services.conversation, user)
        await talk.send(Start(join_code=coach.join_code), "/start code")
        (yes,) = [b for row in talk.current.buttons for b in row if b.action.startswith("yes")]
        assert yes.action == f"yes:{coach.join_code.lower()}"
        await talk.tap(yes.text)
        participant = await self.services.repository.participant("telegram", user)
        assert participant is not None and participant.coach_id == coach.id
        return participant.id, talk

    async def plan(self, coach: Coach, participant: int, **fields: object) -> int:
        plan = ActionPlan.model_validate(fields)
        stored = await self.services.repository.plans.save(
            participant, coach.id, plan.model_dump_json()
        )
        return stored.id

    async def complete_at(self, plan_id: int, moment: datetime) -> None:
        self.clock.now = moment
        await self.services.repository.plans.complete(plan_id, True)


@pytest.fixture
async def portal(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Portal]:
    services = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    sara = (await services.coaching.add_coach("Sara Maes")).coach
    tom = (await services.coaching.add_coach("Tom")).coach
    portal = Portal(services, WebChannel(services).app(), clock, sara, tom, [])
    yield portal
    for client in portal.clients:
        await client.aclose()
    await services.close()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "download.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(result.stdout.split())


def _rows(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith(BOM)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# ----- the POP as PDF ----------------------------------------------------------------------


async def test_the_coach_downloads_her_participants_pop(portal: Portal, tmp_path: Path) -> None:
    mia, talk = await portal.joined("mia", portal.sara)
    for step in ("🌈", "1️⃣", "🏁"):
        await talk.tap(step)
    await talk.say(MIA_SAID)
    sara = await portal.signed_in(portal.sara)
    editor = await sara.get(f"/coach/deelnemer/{mia}/plan")
    # Saved late in the evening of 2 March in Brussels: already 3 March by Belgian time.
    portal.clock.now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    saved = await sara.post(
        f"/coach/deelnemer/{mia}/plan",
        data={
            "csrf": _csrf(editor.text),
            "first_name": "Mia",
            "last_name": "Peeters Dhaenë",
            "birth_date": "1990-05-17",
            "organisation": "De Vlaspit",
            "contacts-0-day": "2026-02-12",
            "contacts-0-phase": "analyse",
            "goal": "Hulpkok worden",
            "participation": "SEC",
            "actions-0-what": "Stage in de keuken",
            "actions-0-by_when": "2026-06-01",
            "actions-0-kind": "technisch",
            "actions-0-picture": "cook_home",
        },
    )
    assert saved.status_code == 200 and "Niet bewaard" not in saved.text
    assert f'href="/coach/deelnemer/{mia}/plan.pdf"' in saved.text

    response = await sara.get(f"/coach/deelnemer/{mia}/plan.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="20260303_POP_PEETERS-DHAENE_MIA.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content, tmp_path)
    assert "De Vlaspit" in text and "Mia" in text and "Peeters Dhaenë" in text
    assert "Stage in de keuken" in text and "01/06/2026" in text and "17/05/1990" in text
    assert "Opgemaakt op 03/03/2026" in text
    assert f"“{MIA_SAID}”" in text  # what she answered in the Droompagina


async def test_no_pdf_before_there_is_a_plan(portal: Portal) -> None:
    mia, _ = await portal.joined("mia", portal.sara)
    sara = await portal.signed_in(portal.sara)
    response = await sara.get(f"/coach/deelnemer/{mia}/plan.pdf")
    assert response.status_code == 404 and "Nog geen plan" in response.text
    assert not response.content.startswith(b"%PDF")


async def test_another_coach_gets_no_pdf(portal: Portal) -> None:
    mia, _ = await portal.joined("mia", portal.sara)
    await portal.plan(portal.sara, mia, first_name="Mia", last_name="Peeters")
    tom = await portal.signed_in(portal.tom)
    response = await tom.get(f"/coach/deelnemer/{mia}/plan.pdf")
    assert response.status_code == 404 and "Peeters" not in response.text
    assert not response.content.startswith(b"%PDF")
    signed_out = await portal.client().get(f"/coach/deelnemer/{mia}/plan.pdf")
    assert signed_out.status_code == 401 and not signed_out.content.startswith(b"%PDF")


# ----- the monthly overview -----------------------------------------------------------------


async def test_the_month_lists_her_completed_pops(portal: Portal) -> None:
    sara, tom = portal.sara, portal.tom
    lea, _ = await portal.joined("lea", sara)
    ben, _ = await portal.joined("ben", sara)
    mia, _ = await portal.joined("mia", sara)
    noor, _ = await portal.joined("noor", sara)
    toms, _ = await portal.joined("toms", tom)
    lea_plan = await portal.plan(
        sara,
        lea,
        first_name="Léa",
        last_name="Dubois",
        birth_date="1985-11-03",
        organisation="Kringwinkel Zuid",
        contacts=[
            {"day": "2026-03-10", "phase": "plannen"},
            {"day": "2026-02-03", "phase": "start"},
            {"day": "2026-02-17", "phase": "analyse"},
        ],
        goal="=HYPERLINK(1)",
        participation="LDE",
        actions=[
            {"what": "Op tijd komen", "kind": "generiek"},
            {"what": "Heftruck leren", "kind": "technisch"},
            {"what": "Heftruckbrevet", "kind": "technisch"},
            {"what": "Naar de dokter", "kind": "ander"},
        ],
    )
    # Just after midnight on 1 March in Brussels, still February in UTC.
    ben_plan = await portal.plan(sara, ben, first_name="Ben", last_name="Aerts")
    await portal.complete_at(ben_plan, datetime(2026, 2, 28, 23, 30, tzinfo=UTC))
    await portal.complete_at(lea_plan, datetime(2026, 3, 15, 10, 0, tzinfo=UTC))
    # Just after midnight on 1 April in Brussels (summer time), still March in UTC.
    mia_plan = await portal.plan(sara, mia, first_name="Mia", last_name="Peeters")
    await portal.complete_at(mia_plan, datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    await portal.plan(sara, noor, first_name="Noor", last_name="Open")  # not completed
    toms_plan = await portal.plan(tom, toms, first_name="Tim", last_name="VanTom")
    await portal.complete_at(toms_plan, datetime(2026, 3, 20, 10, 0, tzinfo=UTC))

    client = await portal.signed_in(sara)
    march = await client.get("/coach/overzicht.csv", params={"maand": "2026-03"})
    assert march.status_code == 200
    assert march.headers["content-type"].startswith("text/csv")
    assert march.headers["content-disposition"] == (
        'attachment; filename="popbot-overzicht-2026-03.csv"'
    )
    assert march.content.splitlines()[0] == BOM + ";".join(COLUMNS).encode()
    header, *rows = _rows(march)
    assert header == COLUMNS
    assert [(row[0], row[1]) for row in rows] == [("Aerts", "Ben"), ("Dubois", "Léa")]
    assert dict(zip(COLUMNS, rows[1], strict=True)) == {
        "achternaam": "Dubois",
        "voornaam": "Léa",
        "geboortedatum": "03/11/1985",
        "organisatie": "Kringwinkel Zuid",
        "datum afgerond": "15/03/2026",
        "aantal gesprekken": "3",
        "eerste gesprek": "03/02/2026",
        "laatste gesprek": "10/03/2026",
        "doel": "'=HYPERLINK(1)",  # Excel shows it as text instead of running it
        "soort deelname": "Lokale diensteneconomie (LDE)",
        "aantal acties": "4",
        "generieke acties": "1",
        "technische acties": "2",
        "coach": "Sara Maes",
    }
    assert rows[0][4] == "01/03/2026" and rows[0][5] == "0" and rows[0][6] == ""

    april = _rows(await client.get("/coach/overzicht.csv", params={"maand": "2026-04"}))
    assert [row[0] for row in april[1:]] == ["Peeters"]
    assert [row[4] for row in april[1:]] == ["01/04/2026"]
    february = _rows(await client.get("/coach/overzicht.csv", params={"maand": "2026-02"}))
    assert february == [COLUMNS]

    toms_march = _rows(
        await (await portal.signed_in(tom)).get("/coach/overzicht.csv?maand=2026-03")
    )
    assert [(row[0], row[-1]) for row in toms_march[1:]] == [("VanTom", "Tom")]


async def test_without_a_month_it_is_this_month_in_brussels(portal: Portal) -> None:
    lea, _ = await portal.joined("lea", portal.sara)
    plan = await portal.plan(portal.sara, lea, first_name="Lea", last_name="Dubois")
    await portal.complete_at(plan, datetime(2026, 4, 30, 22, 30, tzinfo=UTC))  # 1 May
    client = await portal.signed_in(portal.sara)
    response = await client.get("/coach/overzicht.csv")
    assert response.headers["content-disposition"].endswith('"popbot-overzicht-2026-05.csv"')
    assert [row[0] for row in _rows(response)[1:]] == ["Dubois"]
    page = await client.get("/coach")  # the form leaves the month empty by default
    assert 'action="/coach/overzicht.csv"' in page.text and 'name="maand"' in page.text
    assert "Maandoverzicht (csv)" in page.text
    empty = await client.get("/coach/overzicht.csv", params={"maand": ""})
    assert empty.status_code == 200 and _rows(empty) == _rows(response)


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "maart", "2026-03-01", "0999-01"])
async def test_a_bad_month_is_refused(portal: Portal, month: str) -> None:
    client = await portal.signed_in(portal.sara)
    response = await client.get("/coach/overzicht.csv", params={"maand": month})
    assert response.status_code == 400
    assert "Geen geldige maand" in response.text and "JJJJ-MM" in response.text


async def test_the_overview_needs_a_signed_in_coach(portal: Portal) -> None:
    lea, _ = await portal.joined("lea", portal.sara)
    plan = await portal.plan(portal.sara, lea, first_name="Lea", last_name="Dubois")
    await portal.complete_at(plan, datetime(2026, 3, 15, 10, 0, tzinfo=UTC))
    response = await portal.client().get("/coach/overzicht.csv?maand=2026-03")
    assert response.status_code == 401 and "Dubois" not in response.text


# ----- the pictures the methods made -------------------------------------------------------


async def _hand_done(talk: Transcript) -> None:
    """HAND with nothing chosen and nothing said: the quickest finished method."""
    await talk.tap("🖐️")
    for _ in range(5):
        await talk.tap("🏁 Klaar")
        await talk.tap("⏭️ Overslaan")


async def test_the_portal_and_the_pdf_show_the_picture_a_method_made(
    portal: Portal, tmp_path: Path
) -> None:
    mia, talk = await portal.joined("mia", portal.sara)
    await _hand_done(talk)
    await talk.tap("🕰️")  # started, not finished: no picture yet
    runs = await portal.services.repository.runs(mia)
    done, busy = runs[0].id, runs[1].id
    sara = await portal.signed_in(portal.sara)
    page = (await sara.get(f"/coach/deelnemer/{mia}")).text
    assert f'src="/coach/deelnemer/{mia}/resultaat/{done}.jpg"' in page
    assert f"/resultaat/{busy}.jpg" not in page
    picture = await sara.get(f"/coach/deelnemer/{mia}/resultaat/{done}.jpg")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert picture.content[:2] == b"\xff\xd8"
    assert (await sara.get(f"/coach/deelnemer/{mia}/resultaat/{busy}.jpg")).status_code == 404

    tom = await portal.signed_in(portal.tom)
    refused = await tom.get(f"/coach/deelnemer/{mia}/resultaat/{done}.jpg")
    assert refused.status_code == 404 and not refused.content.startswith(b"\xff\xd8")

    await portal.plan(portal.sara, mia, first_name="Mia", last_name="Peeters")
    pdf = (await sara.get(f"/coach/deelnemer/{mia}/plan.pdf")).content
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(
        ["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
    ).stdout
    widths = [line.split()[3] for line in listed.splitlines()[2:]]
    assert "960" in widths, f"the hand picture (960 wide) is printed: {listed}"
    assert "Mijn hand" in _pdf_text(pdf, tmp_path)
