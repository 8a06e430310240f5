"""The action plan editor in the portal: saving the form, the generic/technical warning
appearing and clearing, taking over suggestions, finishing, who may do it, and a next POP's
evaluation and the POPs before it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.action_plan import ActionPlan, EvaluatedAction, Evaluation, next_plan
from bot.conversation import Start
from bot.services import Services
from bot.settings import Settings
from bot.web_channel import WebChannel
from flows.conversation_types import Tap

BASE = "http://testserver"


class Portal:
    def __init__(self, services: Services, client: httpx.AsyncClient) -> None:
        self.services = services
        self.client = client

    async def sign_in(self, name: str) -> int:
        """Add a coach, sign in, and let one Telegram participant join her; returns the
        participant's id."""
        added = await self.services.coaching.add_coach(name)
        await self.client.post(added.sign_in_link.removeprefix(self.services.settings.web_url))
        user = f"tg-{added.coach.id}"
        conversation = self.services.conversation
        consent = await conversation.handle("telegram", user, Start(added.coach.join_code))
        await conversation.handle("telegram", user, Tap("c", consent[-1].buttons[0][0].action))
        participant = await self.services.repository.participant("telegram", user)
        assert participant is not None and participant.coach_id == added.coach.id
        return participant.id

    async def editor(self, participant: int) -> str:
        response = await self.client.get(f"/coach/deelnemer/{participant}/plan")
        assert response.status_code == 200
        return response.text

    async def post(self, path: str, fields: dict[str, str]) -> httpx.Response:
        page = await self.client.get("/coach")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        return await self.client.post(path, data={"csrf": csrf.group(1), **fields})

    async def plan(self, participant: int) -> ActionPlan | None:
        stored = await self.services.repository.plans.current(participant)
        return ActionPlan.model_validate_json(stored.plan_json) if stored else None


@pytest.fixture
async def portal(tmp_path: Path) -> AsyncIterator[Portal]:
    services = await Services.open(Settings(data_dir=tmp_path / "data"))
    app = WebChannel(services).app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield Portal(services, client)
    await services.close()


ACTION = {
    "actions-0-what": "Elke dag om 8 uur op het werk",
    "actions-0-who_helps": "Ploegbaas",
    "actions-0-by_when": "2026-12-19",
    "actions-0-result": "4 weken zonder te laat komen",
    "actions-0-kind": "generiek",
    "actions-0-domain": "werk",
    "actions-0-picture": "work_factory",
}


async def test_the_warning_appears_and_clears_as_the_plan_grows(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    path = f"/coach/deelnemer/{participant}/plan"
    saved = await portal.post(path, {"first_name": "Fatima", "last_name": "El Amrani", **ACTION})
    assert saved.status_code == 303
    page = await portal.editor(participant)
    assert "geen actie voor een technische competentie" in page
    assert "geen actie voor een generieke competentie" not in page

    technical = {
        "actions-1-what": "Heftruckattest halen",
        "actions-1-by_when": "2027-02-01",
        "actions-1-result": "Attest behaald",
        "actions-1-kind": "technisch",
    }
    await portal.post(path, {"first_name": "Fatima", **ACTION, **technical})
    page = await portal.editor(participant)
    assert "Nog te doen" not in page
    assert "een generieke en een technische competentie" in page
    plan = await portal.plan(participant)
    assert plan is not None and [a.kind for a in plan.actions] == ["generiek", "technisch"]
    assert plan.actions[0].picture == "work_factory"


async def test_blank_rows_are_passed_over_and_bad_dates_are_refused(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    path = f"/coach/deelnemer/{participant}/plan"
    await portal.post(path, {"wants-0-text": "Werken in een keuken", "wants-1-text": " ", **ACTION})
    plan = await portal.plan(participant)
    assert plan is not None and [item.text for item in plan.wants] == ["Werken in een keuken"]

    refused = await portal.post(path, {**ACTION, "actions-0-by_when": "2026-02-30"})
    assert "fout=" in refused.headers["location"]
    assert await portal.plan(participant) == plan, "a refused form changes nothing"


async def test_a_suggestion_from_the_answers_can_be_taken_over(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    conversation = portal.services.conversation
    user = "tg-1"
    grid = (await conversation.handle("telegram", user, Tap("m", "droompagina")))[-1]
    await conversation.handle("telegram", user, Tap(grid.scope, "p:home"))
    await conversation.handle("telegram", user, Tap(grid.scope, "done"))
    why = (await conversation.current("telegram", user))[-1]
    await conversation.handle("telegram", user, Tap(why.scope, "skip"))
    come_true = (await conversation.current("telegram", user))[-1]
    await conversation.handle("telegram", user, Tap(come_true.scope, "o:ja"))

    page = await portal.editor(participant)
    assert "Wat wil ik:</span> Huis" in page and "Overnemen" in page
    await portal.post(f"/coach/deelnemer/{participant}/plan/overnemen", {"nummer": "0"})
    plan = await portal.plan(participant)
    assert plan is not None and [item.text for item in plan.wants] == ["Huis"]
    assert "(staat in het plan)" in await portal.editor(participant)


async def test_finishing_and_sending_need_a_plan_and_the_form_token(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    base = f"/coach/deelnemer/{participant}/plan"
    early = await portal.post(f"{base}/afgerond", {"klaar": "1"})
    assert "fout=" in early.headers["location"]
    await portal.post(base, ACTION)
    forged = await portal.client.post(f"{base}/afgerond", data={"klaar": "1", "csrf": "nee"})
    assert forged.status_code == 403
    await portal.post(f"{base}/afgerond", {"klaar": "1"})
    stored = await portal.services.repository.plans.current(participant)
    assert stored is not None and stored.completed_at is not None
    assert "POP afgerond op" in await portal.editor(participant)


async def test_another_coach_cannot_open_or_change_the_plan(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    await portal.post(f"/coach/deelnemer/{participant}/plan", ACTION)
    await portal.sign_in("Bert Claes")  # the client is now signed in as Bert
    assert (await portal.client.get(f"/coach/deelnemer/{participant}/plan")).status_code == 404
    changed = await portal.post(f"/coach/deelnemer/{participant}/plan", {"goal": "Anders"})
    assert changed.status_code == 404
    plan = await portal.plan(participant)
    assert plan is not None and plan.goal == ""


async def test_a_next_pop_shows_its_evaluation_and_keeps_it_when_saved(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    path = f"/coach/deelnemer/{participant}/plan"
    await portal.post(path, {"first_name": "Fatima", **ACTION})
    plans = portal.services.repository.plans
    first = await plans.current(participant)
    assert first is not None
    previous = ActionPlan.model_validate_json(first.plan_json)
    evaluation = Evaluation(
        previous_made_on=date(2026, 3, 2),
        evaluated_on=date(2026, 12, 1),
        actions=[
            EvaluatedAction(what=ACTION["actions-0-what"], score=3, keep=True, remark="Soms laat")
        ],
    )
    await plans.start_next(
        first.id, first.coach_id, next_plan(previous, evaluation).model_dump_json()
    )

    page = await portal.editor(participant)
    shown = page[page.index("Evaluatie van het vorige POP") :]
    assert "Elke dag om 8 uur op het werk" in shown and "Soms laat" in shown
    assert "Gehouden" in shown
    earlier = page[page.index("Vorige POP's") :]
    assert f"{path.removesuffix('/plan')}/pop/{first.id}" in earlier

    await portal.post(path, {"first_name": "Fatima", "goal": "Hulpkok worden", **ACTION})
    plan = await portal.plan(participant)
    assert plan is not None and plan.goal == "Hulpkok worden"
    assert plan.evaluation == evaluation, "the form does not carry it, saving keeps it"
    assert ActionPlan.model_validate_json(first.plan_json) == previous, "the first POP is kept"
    assert (await plans.get(first.id)) == first


async def test_sending_plans_the_check_ins_once_and_each_action_shows_them(portal: Portal) -> None:
    participant = await portal.sign_in("Anna Peeters")
    base = f"/coach/deelnemer/{participant}/plan"
    soon = (date.today() + timedelta(days=20)).isoformat()
    await portal.post(base, {**ACTION, "actions-0-by_when": soon, "actions-1-what": "Fietsen"})
    await portal.post(f"{base}/sturen", {})
    await portal.post(f"{base}/sturen", {})  # sent again: the same check-ins, not twice as many
    repository = portal.services.repository
    stored = await repository.plans.current(participant)
    assert stored is not None
    planned = await repository.check_ins.planned(stored.id)
    assert [m.action_index for m in planned] == [0, 0], "halfway and on its date; none undated"
    page = await portal.editor(participant)
    first, second = page.split('<p class="action-title">Actie 2</p>', 1)
    assert first.count("Gepland: ") == 2 and "17:00" in first and "Gepland" not in second

    # She asks for help on a check-in that is due; her coach has no Telegram.
    asked = await repository.outbox.schedule(
        participant, "action_check_in", datetime.now(UTC), plan_id=stored.id, action_index=0
    )
    who = await repository.participant_by_id(participant)
    assert who is not None
    conversation = portal.services.conversation
    said = await conversation.handle("telegram", who.external_id, Tap("m", f"actie:{asked}:hulp"))
    assert said[0].text == "Ik laat het je coach meteen weten. 🤝"
    page = await portal.editor(participant)
    start = page.index('class="help-requests"')
    alert = page[start : page.index("</section>", start)]
    assert f"🆘 Deelnemer {participant} vraagt om hulp" in alert
    assert "Actie 1: Elke dag om 8 uur op het werk" in alert
    assert "Niet in Telegram gemeld" in alert
    first, second = page.split('<p class="action-title">Actie 2</p>', 1)
    first = first.split('<p class="action-title">Actie 1</p>', 1)[1]
    assert '<li class="help">' in first and "🆘 vraagt om hulp" in first
    assert "vraagt om hulp" not in second
