"""The next POP in the portal: the coach scores each action of the current POP from 0 to 5,
keeps or drops it with a remark, and the next POP starts from that; what is refused (scores
outside 0–5, actions the plan does not have, another coach, a form sent twice); the
participant's check-ins beside her actions; and the POPs before, read-only with their PDF."""

from __future__ import annotations

import re
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot import coach_evaluation_pages
from bot.coach_evaluation_pages import CheckIn
from bot.homework import BRUSSELS
from bot.services import Services
from bot.settings import Settings
from bot.web_channel import WebChannel
from flows.conversation_types import Tap
from storage.repository import Repository
from tests.test_coach_plan_pages import BASE, Portal
from tests.test_coach_portal import PortalPage

FIRST_POP = {
    "first_name": "Fatima",
    "last_name": "El Amrani",
    "wants-0-text": "Werken in een keuken",
    "wants-0-kind": "technisch",
    "develop-0-text": "Nederlands met klanten",
    "goal": "Hulpkok worden",
    "actions-0-what": "Elke dag om 8 uur op het werk",
    "actions-0-who_helps": "Ploegbaas",
    "actions-0-by_when": "2099-12-19",
    "actions-0-result": "4 weken zonder te laat komen",
    "actions-0-kind": "generiek",
    "actions-1-what": "Heftruckattest halen",
    "actions-1-by_when": "2099-02-01",
    "actions-1-result": "Attest behaald",
    "actions-1-kind": "technisch",
}
SCORED = {
    "acties-0-score": "5",
    "acties-0-houden": "nee",
    "acties-0-opmerking": "Vier weken op tijd: gelukt.",
    "acties-1-score": "1",
    "acties-1-houden": "ja",
    "acties-1-opmerking": "Examen uitgesteld door ziekte.",
}


@pytest.fixture
async def portal(tmp_path: Path) -> AsyncIterator[Portal]:
    services = await Services.open(Settings(data_dir=tmp_path / "data"))
    transport = httpx.ASGITransport(app=WebChannel(services).app())
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield Portal(services, client)
    await services.close()


async def first_pop(portal: Portal, *, completed: bool = True) -> int:
    """A coach signed in, her participant's first POP saved (and completed): its id."""
    participant = await portal.sign_in("Anna Peeters")
    await portal.post(f"/coach/deelnemer/{participant}/plan", FIRST_POP)
    if completed:
        await portal.post(f"/coach/deelnemer/{participant}/plan/afgerond", {"klaar": "1"})
    return participant


async def evaluate(portal: Portal, participant: int, fields: dict[str, str]) -> httpx.Response:
    stored = await portal.services.repository.plans.current(participant)
    assert stored is not None
    path = f"/coach/deelnemer/{participant}/volgende-pop"
    return await portal.post(path, {"vorige": str(stored.id), **fields})


def form_values(html: str) -> dict[str, str]:
    page = PortalPage(html)
    return {i["name"]: i.get("value", "") for i in page.all("input") if i.get("name")}


async def plan_count(repository: Repository, participant: int) -> int:
    return len(await repository.plans.history(participant))


async def test_the_next_pop_starts_from_the_scores_kept_and_dropped_actions(
    portal: Portal,
) -> None:
    participant = await first_pop(portal)
    editor = await portal.editor(participant)
    assert "Volgend POP starten" in editor and "Vorige POP's" not in editor

    page = await portal.client.get(f"/coach/deelnemer/{participant}/volgende-pop")
    assert page.status_code == 200
    assert "Score: 0 = er is niets gebeurd, 1 = net gestart met de actie" in page.text
    assert "5 = de actie is helemaal af" in page.text
    assert "Actie 1: Elke dag om 8 uur op het werk" in page.text
    assert "Actie 2: Heftruckattest halen" in page.text
    radios = [i for i in PortalPage(page.text).all("input") if i.get("type") == "radio"]
    assert {i["name"] for i in radios} == {
        f"acties-{n}-{f}" for n in (0, 1) for f in ("score", "houden")
    }
    assert sorted({i["value"] for i in radios if i["name"] == "acties-0-score"}) == list("012345")
    assert "nog niet afgerond" not in page.text

    saved = await evaluate(portal, participant, SCORED)
    assert saved.status_code == 303
    assert saved.headers["location"].endswith(f"/{participant}/plan?nieuw=1")

    editor = (await portal.client.get(saved.headers["location"])).text
    assert "Het nieuwe POP staat klaar" in editor and "met 1 gehouden actie" in editor
    assert "Het nieuwe POP staat klaar" not in await portal.editor(participant), "said once"
    fields = form_values(editor)
    assert fields["first_name"] == "Fatima" and fields["last_name"] == "El Amrani"
    assert fields["wants-0-text"] == "Werken in een keuken"
    assert fields["develop-0-text"] == "Nederlands met klanten"
    assert fields["actions-0-what"] == "Heftruckattest halen"
    assert fields["actions-0-by_when"] == "2099-02-01"
    assert "Elke dag om 8 uur op het werk" not in fields.values(), "the dropped action is gone"
    assert fields.get("contacts-0-day") == ""
    evaluated = editor[editor.index("Evaluatie van het vorige POP") :]
    for shown in ("Elke dag om 8 uur op het werk", "Laten vallen", "Vier weken op tijd: gelukt."):
        assert shown in evaluated
    assert "Examen uitgesteld door ziekte." in evaluated and "Gehouden" in evaluated
    assert "Vorige POP's" in editor

    old, new = reversed(await portal.services.repository.plans.history(participant))
    assert new.previous_plan_id == old.id and old.completed_at is not None
    assert new.completed_at is None
    plan = await portal.plan(participant)
    assert plan is not None and plan.evaluation is not None
    assert [(a.score, a.keep) for a in plan.evaluation.actions] == [(5, False), (1, True)]


@pytest.mark.parametrize(
    "forged",
    [
        {"acties-0-score": "6"},
        {"acties-0-score": "-1"},
        {"acties-0-score": "3.5"},
        {"acties-0-score": ""},
        {"acties-0-houden": "misschien"},
        {"acties-2-score": "3"},
        {"acties-99-houden": "ja"},
        {"acties-x-score": "3"},
        {"acties-0-opmerking": "x" * 501},
    ],
)
async def test_scores_outside_0_to_5_and_forged_actions_save_nothing(
    portal: Portal, forged: dict[str, str]
) -> None:
    participant = await first_pop(portal)
    before = await portal.plan(participant)
    refused = await evaluate(portal, participant, {**SCORED, **forged})
    assert refused.status_code == 400
    assert "Niet bewaard:" in refused.text
    assert await plan_count(portal.services.repository, participant) == 1
    assert await portal.plan(participant) == before


async def test_a_refused_form_keeps_what_the_coach_filled_in(portal: Portal) -> None:
    participant = await first_pop(portal)
    refused = await evaluate(portal, participant, {**SCORED, "acties-1-score": "9"})
    text = refused.text
    assert "Niet bewaard: geef actie 2 een score van 0 tot 5." in text
    checked = {(i["name"], i["value"]) for i in PortalPage(text).all("input") if "checked" in i}
    assert ("acties-0-score", "5") in checked and ("acties-0-houden", "nee") in checked
    assert ("acties-1-houden", "ja") in checked
    assert "Vier weken op tijd: gelukt." in text


async def test_a_form_sent_twice_makes_one_next_pop(portal: Portal) -> None:
    participant = await first_pop(portal)
    stored = await portal.services.repository.plans.current(participant)
    assert stored is not None
    path = f"/coach/deelnemer/{participant}/volgende-pop"
    await portal.post(path, {"vorige": str(stored.id), **SCORED})
    again = await portal.post(path, {"vorige": str(stored.id), **SCORED})
    assert again.status_code == 303 and "fout=" in again.headers["location"]
    assert await plan_count(portal.services.repository, participant) == 2
    shown = await portal.client.get(again.headers["location"])
    assert "dit POP is al geëvalueerd" in shown.text


async def test_the_form_token_is_needed(portal: Portal) -> None:
    participant = await first_pop(portal)
    forged = await portal.client.post(
        f"/coach/deelnemer/{participant}/volgende-pop", data={**SCORED, "csrf": "nee"}
    )
    assert forged.status_code == 403
    assert await plan_count(portal.services.repository, participant) == 1


async def test_another_coachs_participant_is_refused(portal: Portal) -> None:
    participant = await first_pop(portal)
    await evaluate(portal, participant, SCORED)
    old, _ = reversed(await portal.services.repository.plans.history(participant))
    other = await portal.sign_in("Bert Claes")  # the client is now signed in as Bert
    base = f"/coach/deelnemer/{participant}"
    for path in ("/volgende-pop", f"/pop/{old.id}", f"/pop/{old.id}.pdf"):
        assert (await portal.client.get(base + path)).status_code == 404, path
    refused = await portal.post(f"{base}/volgende-pop", {"vorige": str(old.id), **SCORED})
    assert refused.status_code == 404
    assert await plan_count(portal.services.repository, participant) == 2
    # Bert's own participant cannot open Anna's plans by their number either.
    for path in (f"/pop/{old.id}", f"/pop/{old.id}.pdf"):
        found = await portal.client.get(f"/coach/deelnemer/{other}{path}")
        assert found.status_code == 404, path


async def test_without_a_saved_pop_there_is_nothing_to_evaluate(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    assert "Volgend POP starten" not in await portal.editor(participant)
    page = await portal.client.get(f"/coach/deelnemer/{participant}/volgende-pop")
    assert page.status_code == 404 and "Nog geen plan" in page.text
    assert await plan_count(portal.services.repository, participant) == 0


async def test_a_pop_not_yet_completed_can_be_followed_with_a_warning(portal: Portal) -> None:
    participant = await first_pop(portal, completed=False)
    page = await portal.client.get(f"/coach/deelnemer/{participant}/volgende-pop")
    assert "Dit POP is nog niet afgerond" in page.text
    saved = await evaluate(portal, participant, SCORED)
    assert saved.status_code == 303
    assert await plan_count(portal.services.repository, participant) == 2


async def test_her_check_ins_stand_beside_their_action(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    participant = await first_pop(portal)
    page = await portal.client.get(f"/coach/deelnemer/{participant}/volgende-pop")
    assert "heeft nog op geen enkele check-in over deze acties geantwoord" in page.text

    asked: list[int] = []

    async def checkins(repository: Repository, plan_id: int) -> dict[int, list[CheckIn]]:
        asked.append(plan_id)
        return {
            1: [
                CheckIn("2099-01-15T09:00:00+00:00", "nog_niet"),
                CheckIn("2099-02-01T09:00:00+00:00", "hulp"),
            ]
        }

    monkeypatch.setattr(coach_evaluation_pages, "checkins_for", checkins)
    page = await portal.client.get(f"/coach/deelnemer/{participant}/volgende-pop")
    stored = await portal.services.repository.plans.current(participant)
    assert stored is not None and asked == [stored.id]
    first, second = page.text.split("Actie 2: Heftruckattest halen")
    assert "Check-ins van" not in first.split("Actie 1:")[1]
    assert "15/01/2099: 😕 nog niet" in second and "01/02/2099: 🆘 vroeg om hulp" in second
    assert "geen enkele check-in" not in page.text


async def test_earlier_pops_stay_readable_with_their_pdf(portal: Portal, tmp_path: Path) -> None:
    participant = await first_pop(portal)
    await evaluate(portal, participant, SCORED)
    old, new = reversed(await portal.services.repository.plans.history(participant))

    editor = await portal.editor(participant)
    history = editor[editor.index("Vorige POP's") :]
    assert f"/coach/deelnemer/{participant}/pop/{old.id}" in history
    assert f"/coach/deelnemer/{participant}/pop/{old.id}.pdf" in history

    view = await portal.client.get(f"/coach/deelnemer/{participant}/pop/{old.id}")
    assert view.status_code == 200
    assert "Vorig POP van" in view.text and "Dit POP kan je alleen lezen." in view.text
    assert "Elke dag om 8 uur op het werk" in view.text and "Heftruckattest halen" in view.text
    assert "Evaluatie van het vorige POP" not in view.text, "the first POP evaluated nothing"
    names = {i.get("name") for i in PortalPage(view.text).all("input")}
    assert names <= {"csrf"}, "nothing to change on an earlier POP"
    assert not PortalPage(view.text).all("textarea")

    current = await portal.client.get(f"/coach/deelnemer/{participant}/pop/{new.id}")
    assert current.status_code == 303
    assert current.headers["location"] == f"/coach/deelnemer/{participant}/plan"

    old_pdf = await portal.client.get(f"/coach/deelnemer/{participant}/pop/{old.id}.pdf")
    assert old_pdf.status_code == 200 and old_pdf.headers["content-type"] == "application/pdf"
    assert re.search(
        r'filename="\d{8}_POP_EL-AMRANI_FATIMA\.pdf"', old_pdf.headers["content-disposition"]
    )
    new_pdf = await portal.client.get(f"/coach/deelnemer/{participant}/plan.pdf")
    old_text, new_text = (
        pdf_text(old_pdf.content, tmp_path / "old.pdf"),
        pdf_text(new_pdf.content, tmp_path / "new.pdf"),
    )
    assert "Evaluatie van het vorige POP" not in old_text
    assert "Elke dag om 8 uur op het werk" in " ".join(old_text.split()).split("Actieplan")[1]
    flat = " ".join(new_text.split())
    assert flat.index("Evaluatie van het vorige POP") < flat.index("Persoonsgegevens")
    assert "Elke dag om 8 uur op het werk" not in flat.split("Actieplan")[1]
    assert "Heftruckattest halen" in flat.split("Actieplan")[1]


def pdf_text(data: bytes, path: Path) -> str:
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


async def test_her_real_check_in_answers_stand_beside_their_action(portal: Portal) -> None:
    participant = await first_pop(portal)
    await portal.post(f"/coach/deelnemer/{participant}/plan/sturen", {})
    repository = portal.services.repository
    stored = await repository.plans.current(participant)
    who = await repository.participant_by_id(participant)
    assert stored is not None and who is not None
    for answer in ("nog_niet", "hulp"):  # two check-ins on the second action, both due now
        asked = await repository.outbox.schedule(
            participant, "action_check_in", datetime.now(UTC), plan_id=stored.id, action_index=1
        )
        tap = Tap("m", f"actie:{asked}:{answer}")
        await portal.services.conversation.handle("telegram", who.external_id, tap)

    page = await portal.client.get(f"/coach/deelnemer/{participant}/volgende-pop")
    first, second = page.text.split("Actie 2: Heftruckattest halen")
    today = datetime.now(UTC).astimezone(BRUSSELS).strftime("%d/%m/%Y")
    assert "Check-ins van" not in first.split("Actie 1:")[1]
    assert f"{today}: 😕 nog niet" in second and f"{today}: 🆘 vroeg om hulp" in second
    assert second.index("nog niet") < second.index("vroeg om hulp"), "the oldest first"
