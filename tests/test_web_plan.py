"""The action plan in the web chat: there is no push, so once her coach has sent it (the
portal's "📱 Plan naar … sturen" button) the participant sees it on her page, above the
menu: the plan card with a text for screen readers, and the lines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from bot.action_plan import Action, ActionPlan
from bot.coach_portal import SESSION_COOKIE
from bot.plan_message import INTRO
from bot.services import Services
from bot.settings import Settings
from bot.web_channel import WebChannel
from storage.coach_repository import Coach
from storage.repository import Participant
from tests.test_coach_portal_homework import PortalPage
from tests.test_web_channel import BASE, Page

BAKER = Action(what="De bakker bellen", by_when=date(2026, 3, 6), picture="work_baking")
COOK = Action(what="Samen koken", by_when=date(2026, 3, 9), picture="cook_home")
PLAN = ActionPlan(goal="Een technische competentie", actions=[BAKER, COOK])
LINES = ["1. De bakker bellen – vrijdag 6 maart", "2. Samen koken – maandag 9 maart"]


@dataclass
class Web:
    services: Services
    participant: httpx.AsyncClient
    coach: httpx.AsyncClient
    mia: Participant
    sara: Coach

    async def page(self) -> tuple[Page, str]:
        response = await self.participant.get("/")
        assert response.status_code == 200
        return Page(response.text), response.text

    async def save(self, plan: ActionPlan) -> None:
        await self.services.repository.plans.save(self.mia.id, self.sara.id, plan.model_dump_json())

    async def press_send(self) -> None:
        """What the coach does in the portal: open the plan and press "📱 Plan naar … sturen"."""
        base = f"/coach/deelnemer/{self.mia.id}/plan"
        editor = await self.coach.get(base)
        assert editor.status_code == 200 and "sturen" in editor.text
        (csrf,) = PortalPage(editor.text).csrf
        sent = await self.coach.post(f"{base}/sturen", data={"csrf": csrf})
        assert sent.history[0].status_code == 303 and "verstuurd=1" in str(sent.url)


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[Web]:
    services = await Services.open(Settings(data_dir=tmp_path / "data"))
    transport = httpx.ASGITransport(app=WebChannel(services).app())
    async with AsyncExitStack() as stack:
        stack.push_async_callback(services.close)
        participant, coach = [
            await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url=BASE, follow_redirects=True)
            )
            for _ in range(2)
        ]
        code = Page((await participant.get("/")).text).code
        await participant.post("/tik", data={"knop": "c:yes"})
        mia = await services.repository.participant("web", code)
        assert mia is not None and mia.consent_given
        sara = (await services.coaching.add_coach("Sara")).coach
        await services.repository.coaches.join(mia.id, sara.id)
        link = await services.coaching.sign_in_link(sara)
        await coach.post(link.removeprefix(services.settings.web_url))
        assert SESSION_COOKIE in coach.cookies
        yield Web(services, participant, coach, mia, sara)


def plan_cards(page: Page) -> list[dict[str, str]]:
    """The plan card among the pictures on the page (the menu has its own picture)."""
    return [image for image in page.images if image["src"].startswith("/beeld/plan-")]


async def test_the_plan_shows_only_after_the_coach_sent_it(web: Web) -> None:
    await web.save(PLAN)
    page, html = await web.page()
    assert INTRO not in page.text and not plan_cards(page)
    await web.press_send()
    page, html = await web.page()
    (image,) = plan_cards(page)
    assert image["alt"] == "Mijn plan: De bakker bellen, Samen koken", "the actions, in words"
    assert image["src"].startswith("/beeld/plan-")
    card = await web.participant.get(image["src"])
    assert card.status_code == 200 and card.headers["content-type"] == "image/jpeg"
    assert INTRO in page.text
    for line in LINES:
        assert line in page.text
    assert "competentie" not in page.text
    # above the menu: the plan first, the menu's buttons after it
    assert html.index(LINES[-1]) < html.index('name="knop"')
    menu = {f"{e.flow.emoji} {e.flow.title}" for e in web.services.engines.values() if e.flow.menu}
    assert set(page.words) == menu | {"📋 Mijn plan en successen"}


async def test_the_page_shows_the_plan_as_it_is_now(web: Web) -> None:
    """The outbox keeps which plan was sent, not a copy: a later change shows as well."""
    await web.save(PLAN)
    await web.press_send()
    await web.save(PLAN.model_copy(update={"actions": [COOK]}))
    page, _ = await web.page()
    assert "1. Samen koken – maandag 9 maart" in page.text
    assert "bakker" not in page.text


async def test_an_action_without_a_picture_keeps_its_row_on_the_card(web: Web) -> None:
    await web.save(PLAN.model_copy(update={"actions": [BAKER, Action(what="Fietsen")]}))
    await web.press_send()
    page, _ = await web.page()
    assert "2. Fietsen – zonder datum" in page.text
    (image,) = plan_cards(page)
    assert image["alt"] == "Mijn plan: De bakker bellen, Fietsen"
    assert (await web.participant.get(image["src"])).status_code == 200


async def test_in_a_method_the_page_shows_the_question_only(web: Web) -> None:
    await web.save(PLAN)
    await web.press_send()
    await web.participant.post("/tik", data={"knop": "m:droompagina"})
    page, _ = await web.page()
    assert INTRO not in page.text
