"""/samenvatting: a participant's latest method for her coach, as its picture and the
highlighted answers, on Telegram through PTB's offline route."""

from __future__ import annotations

import pytest

from tests.test_telegram_channel import Chat, buttons, chat, sent

__all__ = ["chat"]  # the fixture, shared with the Telegram channel tests

COACH_USER = 9001
PARTICIPANT = 7


async def coach_with_participant(chat: Chat) -> str:
    """A coach linked to Telegram, and a participant who joined her; returns the join code."""
    added = await chat.services.coaching.add_coach("Anna Peeters")
    assert added.coach.telegram_code is not None
    await chat.text(COACH_USER, f"/coach {added.coach.telegram_code}")
    join_code = added.coach.join_code
    consent = sent(await chat.text(PARTICIPANT, f"/start {join_code}"))[-1]
    await chat.press(PARTICIPANT, buttons(consent)[0])
    return join_code


async def test_a_finished_dream_page_comes_as_picture_and_highlights(chat: Chat) -> None:
    await coach_with_participant(chat)
    grid = sent(await chat.press(PARTICIPANT, "m:droompagina"))[-1]
    first = buttons(grid)[0]
    scope = first.split(":", 1)[0]
    await chat.press(PARTICIPANT, first)
    await chat.press(PARTICIPANT, f"{scope}:done")
    come_true = sent(await chat.text(PARTICIPANT, "Omdat ik een eigen plek wil."))[-1]
    await chat.press(PARTICIPANT, next(b for b in buttons(come_true) if b.endswith(":o:ja")))
    work_now = sent(await chat.text(PARTICIPANT, "Sparen."))[-1]
    await chat.press(PARTICIPANT, buttons(work_now)[0])
    finished = sent(await chat.text(PARTICIPANT, "Ik bel de huisvesting."))
    dream_page = next(call for call in finished if call.method == "sendPhoto")

    calls = sent(await chat.text(COACH_USER, "/samenvatting deelnemer 1"))
    assert [call.method for call in calls] == ["sendPhoto", "sendMessage"]
    assert calls[0].params["caption"] == "Deelnemer 1: Droompagina"
    assert not calls[0].uploads, "the same dream page, sent again by its file_id"
    assert calls[0].params["photo"] == dream_page.file_id
    assert dream_page.uploads
    text = calls[1].params["text"]
    assert "Deelnemer 1 · Droompagina (klaar)" in text
    assert "Kan die droom echt worden?" in text and "👍 Ja" in text
    assert "“Ik bel de huisvesting.”" in text
    assert "Omdat ik een eigen plek wil." not in text, "only the highlighted answers"


@pytest.mark.parametrize(
    ("user", "command", "expected"),
    [
        (PARTICIPANT, "/samenvatting Deelnemer 1", "alleen voor coaches"),
        (COACH_USER, "/samenvatting", "gevolgd door de naam"),
        (COACH_USER, "/samenvatting Iemand Anders", "Geen deelnemer"),
        (COACH_USER, "/samenvatting Deelnemer 1", "nog niets ingevuld"),
    ],
)
async def test_what_the_summary_does_not_give(
    chat: Chat, user: int, command: str, expected: str
) -> None:
    await coach_with_participant(chat)
    calls = sent(await chat.text(user, command))
    assert [call.method for call in calls] == ["sendMessage"]
    assert expected in calls[0].params["text"]
