"""The coach's own rating beside the participant's in the portal: her answers shown per
picture, the coach's saved and shown checked again, written over in place, a side-by-side
table, forged forms and other coaches' participants refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import yaml

from bot.conversation import Start
from bot.services import Services
from bot.settings import Settings
from bot.web_channel import WebChannel
from flows.answers import Answers
from flows.conversation_types import Tap
from flows.engine import FlowEngine
from flows.models import Flow
from tests.conftest import FakeClock
from tests.test_web_channel import Web
from tests.transcript import Transcript

FORM = "application/x-www-form-urlencoded"
SCALE = """
          - {id: s5, emoji: "5️⃣", label: "Heel goed"}
          - {id: s4, emoji: "4️⃣", label: "Goed"}
          - {id: s3, emoji: "3️⃣", label: "Gaat wel"}
          - {id: s2, emoji: "2️⃣", label: "Een beetje"}
          - {id: s1, emoji: "1️⃣", label: "Nog niet"}"""
LADDER = f"""
id: mijn_ladder
title: Mijn ladder
emoji: "🪜"
question: wat_kan_ik
coach_rating: {{loop: skills, step: now}}
phrases:
  work_kitchen: "Koken: je maakt eten voor anderen."
  work_garden: "{{label}}: je werkt graag buiten."
steps:
  - id: skills
    kind: loop
    pictures: {{ids: [work_kitchen, work_cleaning, work_garden]}}
    steps:
      - id: now
        kind: choice
        text: "{{phrase}}\\nHoe goed kan jij dat nu? 🪜"
        options:{SCALE}
      - id: want
        kind: choice
        text: "Hoe goed wil je het kunnen? ⭐"
        options:{SCALE}
      - id: why
        kind: free_answer
        text: "Wil je iets zeggen over {{label}}? 💬"
  - id: done
    kind: result
    hook: ladder
    title: Mijn ladder
    text: "Knap gedaan! 🌟"
    parts:
      - {{loop: skills}}
"""
PICKED = f"""
id: mijn_werk
title: Mijn werk
emoji: "🧰"
question: wat_kan_ik
coach_rating: {{loop: jobs, step: how}}
steps:
  - id: picked
    kind: pick_pictures
    text: "Welk werk deed je al? 🧰"
    pictures: {{ids: [work_kitchen, work_cleaning, work_garden, work_factory]}}
  - id: jobs
    kind: loop
    over: picked
    steps:
      - id: how
        kind: choice
        text: "Hoe goed ging {{label}}?"
        options:{SCALE}
  - id: done
    kind: result
    hook: grid
    title: Mijn werk
    text: "Klaar! 🌟"
    from_step: picked
"""


class RatingPage(HTMLParser):
    """What the coach sees on a rating page: the table's rows, the radio buttons, pictures."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text = ""
        self.rows: list[list[str]] = []
        self.radios: dict[str, dict[str, bool]] = {}
        self.images: list[str] = []
        self.csrf = ""
        self._in_body = False
        self._cell = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in {"th", "td"} and self._in_body:
            self.rows[-1].append("")
            self._cell = True
        elif tag == "img":
            self.images.append(found["src"])
        elif tag == "input" and found.get("type") == "radio":
            self.radios.setdefault(found["name"], {})[found["value"]] = "checked" in found
        elif tag == "input" and found.get("name") == "csrf":
            self.csrf = found["value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag in {"th", "td"}:
            self._cell = False

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._cell:
            self.rows[-1][-1] = " ".join((self.rows[-1][-1] + data).split())

    def checked(self) -> dict[str, str]:
        return {
            name.removeprefix("r-"): value
            for name, values in self.radios.items()
            for value, on in values.items()
            if on
        }


@dataclass
class Portal:
    web: Web

    @property
    def services(self) -> Services:
        return self.web.services

    async def coach(self, name: str) -> tuple[httpx.AsyncClient, int]:
        """A coach signed in, with one Telegram participant who joined her."""
        added = await self.services.coaching.add_coach(name)
        client = self.web.new_client()
        await client.post(added.sign_in_link.removeprefix(self.services.settings.web_url))
        user = f"tg-{added.coach.id}"
        talk = Transcript(self.services.conversation, user)
        await talk.send(Start(join_code=added.coach.join_code), "/start code")
        await talk.tap("✅")
        participant = await self.services.repository.participant("telegram", user)
        assert participant is not None
        return client, participant.id

    async def answers(self, participant: int, flow_id: str, actions: list[str]) -> None:
        """The participant taps these buttons in a run of the flow."""
        engine, repository = self.services.engines[flow_id], self.services.repository
        outcome = engine.start()
        run = await repository.start_run(participant, flow_id, outcome.state)
        answers: Answers = {}
        for action in actions:
            scope = engine.question(outcome.state, answers).scope
            outcome = engine.handle(outcome.state, answers, Tap(scope, action))
            for key, answer in outcome.writes:
                if answer is None:
                    answers.pop(key, None)
                else:
                    answers[key] = answer
            run = await repository.save_run(run, outcome.state, outcome.writes)

    async def page(self, client: httpx.AsyncClient, path: str) -> RatingPage:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return RatingPage(response.text)

    async def rate(
        self, client: httpx.AsyncClient, path: str, fields: list[tuple[str, str]]
    ) -> httpx.Response:
        """Post the rating form with these fields (a name may come twice, as a form can)."""
        csrf = (await self.page(client, path)).csrf
        body = urlencode([("csrf", csrf), *fields])
        return await client.post(path, content=body, headers={"Content-Type": FORM})


@pytest.fixture
async def portal(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Portal]:
    services = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    for text in (LADDER, PICKED):
        flow = Flow.model_validate(yaml.safe_load(text))
        services.engines[flow.id] = FlowEngine(flow, services.pictures)
    channel = WebChannel(services)
    async with AsyncExitStack() as stack:
        yield Portal(Web(services, channel, channel.app(), stack))
    await services.close()


def rating_path(participant: int, flow_id: str = "mijn_ladder") -> str:
    return f"/coach/deelnemer/{participant}/inschatting/{flow_id}"


async def test_the_coach_sees_her_answers_and_rates_beside_them(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    # Keuken: now good, wants very good; Poetsen: now a little, wants good; Tuin: skipped.
    await portal.answers(mia, "mijn_ladder", ["o:s4", "o:s5", "skip", "o:s2", "o:s4", "skip"])
    path = rating_path(mia)
    page = await portal.page(sara, path)
    assert {"/prent/work_kitchen.png", "/prent/work_cleaning.png"} <= set(page.images)
    assert "Koken: je maakt eten voor anderen." in page.text
    assert "Tuin: je werkt graag buiten." in page.text, "{label} is the picture's word"
    assert "nog bezig" in page.text
    assert page.rows == [
        ["Keuken", "4️⃣ Goed", "5️⃣ Heel goed", "—"],
        ["Poetsen", "2️⃣ Een beetje", "4️⃣ Goed", "—"],
        ["Tuin", "—", "—", "—"],
    ]
    assert "Hoe goed kan jij dat nu? 🪜" in page.text and "Hoe goed wil je het kunnen?" in page.text
    assert set(page.radios) == {"r-work_kitchen", "r-work_cleaning", "r-work_garden"}
    assert list(page.radios["r-work_kitchen"]) == ["s5", "s4", "s3", "s2", "s1"]
    assert page.checked() == {}

    saved = await portal.rate(sara, path, [("r-work_kitchen", "s3"), ("r-work_cleaning", "s2")])
    assert saved.status_code == 200 and "Je inschatting is bewaard." in saved.text
    page = RatingPage(saved.text)
    assert page.checked() == {"work_kitchen": "s3", "work_cleaning": "s2"}
    assert page.rows[0] == ["Keuken", "4️⃣ Goed", "5️⃣ Heel goed", "3️⃣ Gaat wel"]
    assert page.rows[1] == ["Poetsen", "2️⃣ Een beetje", "4️⃣ Goed", "2️⃣ Een beetje"]
    ratings = portal.services.repository.ratings
    assert await ratings.current(mia, "mijn_ladder") == {
        "work_kitchen": "s3",
        "work_cleaning": "s2",
    }


async def test_a_new_rating_is_written_over_the_old_one(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    path = rating_path(mia)
    await portal.rate(sara, path, [("r-work_kitchen", "s3"), ("r-work_garden", "s1")])
    again = await portal.rate(sara, path, [("r-work_kitchen", "s5")])
    assert RatingPage(again.text).checked() == {"work_kitchen": "s5", "work_garden": "s1"}
    stored = await portal.services.repository.ratings.stored(mia, "mijn_ladder")
    assert sorted((r.picture, r.option) for r in stored) == [
        ("work_garden", "s1"),
        ("work_kitchen", "s5"),
    ]


async def test_before_she_did_the_method_the_coach_can_rate_already(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    page = await portal.page(sara, rating_path(mia))
    assert "deed Mijn ladder nog niet" in page.text
    assert [row[1:] for row in page.rows] == [["—", "—", "—"]] * 3


@pytest.mark.parametrize(
    "fields",
    [
        [("r-work_kitchen", "s9")],
        [("r-work_kitchen", "")],
        [("r-work_kitchen", "s3"), ("r-nope", "s3")],
        [("r-work_kitchen", "s3"), ("r-work_factory", "s3")],  # a real picture, not rated here
        [("r-work_kitchen", "s3"), ("r-work_kitchen", "s1")],
    ],
    ids=["option", "empty", "picture", "other-picture", "twice"],
)
async def test_a_forged_rating_is_refused_and_nothing_is_saved(
    portal: Portal, fields: list[tuple[str, str]]
) -> None:
    sara, mia = await portal.coach("Sara")
    path = rating_path(mia)
    await portal.rate(sara, path, [("r-work_garden", "s4")])
    refused = await portal.rate(sara, path, fields)
    assert refused.status_code == 400 and "niets bewaard" in refused.text
    ratings = portal.services.repository.ratings
    assert await ratings.current(mia, "mijn_ladder") == {"work_garden": "s4"}


async def test_a_rating_needs_the_forms_token_and_our_own_origin(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    path = rating_path(mia)
    csrf = (await portal.page(sara, path)).csrf
    field = {"r-work_kitchen": "s3"}
    assert (await sara.post(path, data=field)).status_code == 403
    assert (await sara.post(path, data={**field, "csrf": "x" * 22})).status_code == 403
    evil = {"Origin": "https://evil.example"}
    forged = await sara.post(path, data={**field, "csrf": csrf}, headers=evil)
    assert forged.status_code == 403
    assert await portal.services.repository.ratings.current(mia, "mijn_ladder") == {}


async def test_another_coachs_participant_is_refused(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    tom, toms = await portal.coach("Tom")
    await portal.answers(toms, "mijn_ladder", ["o:s1", "o:s5", "skip"])
    path = rating_path(toms)
    shown = await sara.get(path)
    assert shown.status_code == 404 and "Keuken" not in shown.text
    csrf = (await portal.page(sara, rating_path(mia))).csrf
    posted = await sara.post(path, data={"csrf": csrf, "r-work_kitchen": "s5"})
    assert posted.status_code == 404
    assert await portal.services.repository.ratings.current(toms, "mijn_ladder") == {}
    assert (await tom.get(path)).status_code == 200


async def test_methods_without_a_coach_rating_have_no_rating_page(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    for flow_id in ("droompagina", "bestaat_niet"):
        path = rating_path(mia, flow_id)
        assert (await sara.get(path)).status_code == 404
        csrf = (await portal.page(sara, rating_path(mia))).csrf
        assert (await sara.post(path, data={"csrf": csrf})).status_code == 404


async def test_the_participant_page_links_to_each_rating_page(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    page = (await sara.get(f"/coach/deelnemer/{mia}")).text
    assert f'href="{rating_path(mia)}"' in page
    assert f'href="{rating_path(mia, "mijn_werk")}"' in page
    assert f'href="{rating_path(mia, "droompagina")}"' not in page


async def test_a_loop_over_her_own_pictures_rates_only_those(portal: Portal) -> None:
    sara, mia = await portal.coach("Sara")
    path = rating_path(mia, "mijn_werk")
    page = await portal.page(sara, path)
    assert page.rows == [] and "koos nog geen prenten" in page.text
    await portal.answers(mia, "mijn_werk", ["p:work_garden", "p:work_kitchen", "done", "o:s4"])
    page = await portal.page(sara, path)
    assert [row[0] for row in page.rows] == ["Tuin", "Keuken"]
    assert page.rows[0][1:] == ["4️⃣ Goed", "—"]
    refused = await portal.rate(sara, path, [("r-work_factory", "s4")])
    assert refused.status_code == 400
    saved = await portal.rate(sara, path, [("r-work_kitchen", "s2")])
    assert RatingPage(saved.text).rows[1] == ["Keuken", "—", "2️⃣ Een beetje"]
