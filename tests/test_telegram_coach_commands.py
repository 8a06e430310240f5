"""Coaches and joining in Telegram, through PTB's offline route: /coach, /portaal, deep links."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.joining import JOINED, UNKNOWN_CODE
from bot.services import Services
from bot.settings import Settings
from bot.telegram_channel import build_application
from bot.telegram_coach_commands import COACH_USAGE, NOT_A_COACH, WRONG_CODE
from storage.coach_repository import Coach
from storage.repository import DATABASE_FILE
from tests.test_telegram_channel import TOKEN, Call, Chat, RecordingRequest, buttons, sent

PORTAL = "https://pop.example.org"
SARA, TOM = 50, 60  # the coaches' Telegram accounts
PREFIX = f"{PORTAL}/coach/aanmelden/"


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[Chat]:
    settings = Settings(telegram_token=TOKEN, data_dir=tmp_path / "data", web_public_url=PORTAL)
    services = await Services.open(settings)
    request = RecordingRequest()
    application = build_application(services, request=request)
    await application.initialize()
    try:
        yield Chat(application, request, services)
    finally:
        await application.shutdown()
        await services.close()


async def add(chat: Chat, name: str) -> Coach:
    return (await chat.services.coaching.add_coach(name)).coach


def texts(calls: list[Call]) -> list[str]:
    return [str(call.params.get("text", "")) for call in sent(calls)]


def rows(chat: Chat, table: str) -> int:
    with sqlite3.connect(chat.services.settings.data_dir / DATABASE_FILE) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def coach_of(chat: Chat, user: int) -> int | None:
    participant = await chat.services.repository.participant("telegram", str(user))
    return participant.coach_id if participant else None


async def test_coach_code_links_the_coach_and_tells_her_join_code(chat: Chat) -> None:
    sara = await add(chat, "Sara")
    (welcome,) = texts(await chat.text(SARA, f"/coach {sara.telegram_code}"))
    assert "Welkom, Sara!" in welcome and sara.join_code in welcome and "/portaal" in welcome
    linked = await chat.services.coaching.coach_of_telegram(str(SARA))
    assert linked is not None and linked.id == sara.id
    assert await chat.services.repository.participant("telegram", str(SARA)) is None


async def test_a_used_code_is_refused_for_another_account(chat: Chat) -> None:
    sara = await add(chat, "Sara")
    await chat.text(SARA, f"/coach {sara.telegram_code}")
    assert texts(await chat.text(99, f"/coach {sara.telegram_code}")) == [WRONG_CODE]
    assert await chat.services.coaching.coach_of_telegram("99") is None
    linked = await chat.services.coaching.coach_of_telegram(str(SARA))
    assert linked is not None and linked.id == sara.id


async def test_a_coach_cannot_take_a_second_coachs_code(chat: Chat) -> None:
    sara, tom = await add(chat, "Sara"), await add(chat, "Tom")
    await chat.text(SARA, f"/coach {sara.telegram_code}")
    assert texts(await chat.text(SARA, f"/coach {tom.telegram_code}")) == [WRONG_CODE]
    (welcome,) = texts(await chat.text(TOM, f"/coach {tom.telegram_code}"))
    assert "Welkom, Tom!" in welcome


@pytest.mark.parametrize("text", ["/coach", "/coach   "])
async def test_coach_without_a_code_explains_how(chat: Chat, text: str) -> None:
    assert texts(await chat.text(SARA, text)) == [COACH_USAGE]


async def test_a_wrong_coach_code_is_refused(chat: Chat) -> None:
    await add(chat, "Sara")
    assert texts(await chat.text(99, "/coach ABCDEFGHJK")) == [WRONG_CODE]
    assert texts(await chat.text(99, "/coach " + "A" * 500)) == [WRONG_CODE]


async def test_portaal_sends_the_coach_a_one_time_link(chat: Chat) -> None:
    sara = await add(chat, "Sara")
    await chat.text(SARA, f"/coach {sara.telegram_code}")
    (message,) = sent(await chat.text(SARA, "/portaal"))
    text = str(message.params["text"])
    assert "één keer" in text and "15 minuten" in text
    (link,) = [word for word in text.split() if word.startswith("http")]
    assert link.startswith(PREFIX)
    assert "is_disabled" in str(message.params.get("link_preview_options"))
    token = link.removeprefix(PREFIX)
    coach = await chat.services.coaching.sign_in(token)
    assert coach is not None and coach.id == sara.id
    assert await chat.services.coaching.sign_in(token) is None


async def test_portaal_from_someone_else_gives_no_link(chat: Chat) -> None:
    await add(chat, "Sara")
    before = rows(chat, "coach_sign_ins")
    assert texts(await chat.text(99, "/portaal")) == [NOT_A_COACH]
    assert rows(chat, "coach_sign_ins") == before


async def test_a_deep_link_asks_consent_first_and_joins_after_yes(chat: Chat) -> None:
    sara = await add(chat, "Sara")
    greeting, question = sent(await chat.text(7, f"/start {sara.join_code}"))
    assert "Mag ik je antwoorden bewaren?" in question.params["text"]
    yes, no = buttons(question)
    assert yes == f"c:yes:{sara.join_code.lower()}" and no == "c:no"
    assert sara.join_code.lower() not in greeting.params["text"].lower()
    assert rows(chat, "participants") == 0 and rows(chat, "consent_events") == 0
    answered = texts(await chat.press(7, yes))
    assert JOINED.format(name="Sara") in answered
    assert await coach_of(chat, 7) == sara.id
    listed = await chat.services.repository.coaches.participants(sara.id)
    assert [line.participant.external_id for line in listed] == ["7"]


async def test_no_to_a_deep_link_stores_no_coach(chat: Chat) -> None:
    sara = await add(chat, "Sara")
    await chat.text(7, f"/start {sara.join_code}")
    answered = texts(await chat.press(7, "c:no"))
    assert not any("coach" in text for text in answered)
    assert await coach_of(chat, 7) is None
    assert await chat.services.repository.coaches.participants(sara.id) == []


async def test_a_typed_code_in_the_menu_joins(chat: Chat) -> None:
    sara = await add(chat, "Sara")
    await chat.text(7, "/start")
    await chat.press(7, "c:yes")
    assert await coach_of(chat, 7) is None
    typed = f"{sara.join_code[:3].lower()} {sara.join_code[3:]}"
    answered = sent(await chat.text(7, typed))
    assert answered[0].params["text"] == JOINED.format(name="Sara")
    assert "m:droompagina" in buttons(answered[-1])  # back at the menu
    assert await coach_of(chat, 7) == sara.id


async def test_an_unknown_code_gets_a_hint(chat: Chat) -> None:
    sara = await add(chat, "Sara")
    await chat.text(7, "/start")
    await chat.press(7, "c:yes")
    unknown = "ZZZ9ZZ" if sara.join_code != "ZZZ9ZZ" else "YYY9YY"
    answered = sent(await chat.text(7, unknown))
    assert answered[0].params["text"] == UNKNOWN_CODE
    assert "m:droompagina" in buttons(answered[-1])
    assert await coach_of(chat, 7) is None


async def test_an_everyday_word_of_six_letters_is_no_code(chat: Chat) -> None:
    await add(chat, "Sara")
    await chat.text(7, "/start")
    await chat.press(7, "c:yes")
    answered = sent(await chat.text(7, "dankje"))
    said = [call.params.get("text") or call.params.get("caption") for call in answered]
    assert UNKNOWN_CODE not in said
    assert "m:droompagina" in buttons(answered[-1])
