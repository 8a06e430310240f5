"""Aftercare: three months after the last contact the bot asks how things are going, once;
her answers go to her coach; a coach can switch it off; a new contact starts the wait again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot

from bot.aftercare import ALREADY_ANSWERED, QUESTION, TOLD_COACH, Aftercare
from bot.conversation import Conversation
from bot.services import Services
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from bot.telegram_outbox import OutboxSender, Pace
from flows.answers import AnswerKey, OptionAnswer
from flows.state import Cursor, RunState
from storage.repository import Participant
from tests import transcript
from tests.conftest import FakeClock
from tests.test_telegram_channel import TOKEN, RecordingRequest
from tests.transcript import GoldenRun, Transcript

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = START + timedelta(days=92)


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    clock.now = START
    opened = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    yield opened
    await opened.close()


async def joined(services: Services, user: str = "7") -> Participant:
    """A participant who said yes and has a coach; seen today."""
    participant = await services.repository.record_consent("telegram", user, given=True)
    coach = await services.repository.coaches.by_name("Sara")
    coach = coach or (await services.coaching.add_coach("Sara")).coach
    await services.repository.coaches.join(participant.id, coach.id)
    return participant


async def test_three_months_after_the_last_contact_she_is_asked_once(
    services: Services, clock: FakeClock
) -> None:
    aftercare: Aftercare = services.aftercare
    participant = await joined(services)
    assert await aftercare.plan_due() == 0, "seen today"
    clock.now = LATER
    assert await aftercare.plan_due() == 1
    assert await aftercare.plan_due() == 0, "asked once"
    (asked,) = await aftercare.open(participant)
    assert asked.text == QUESTION
    assert [b.text for b in asked.buttons[0]] == ["😀 Goed", "🙂 Gaat wel", "😕 Niet zo goed"]


async def test_her_answers_go_to_her_coach(services: Services, clock: FakeClock) -> None:
    told: list[tuple[int, str]] = []

    async def tell(participant: Participant, note: str) -> bool:
        told.append((participant.id, note))
        return True

    aftercare = Aftercare(services.repository, services.engines, clock, tell)
    conversation = Conversation(
        services.repository,
        services.engines,
        services.settings.data_dir,
        after_hooks=aftercare.after_hooks(),
        aftercare=aftercare,
    )
    participant = await joined(services)
    clock.now = LATER
    await aftercare.plan_due()
    (asked,) = await aftercare.open(participant)
    talk = Transcript(conversation, "7")
    await talk.tap("🙂 Gaat wel", asked)
    await talk.tap("1️⃣ Ik werk")
    await talk.tap("👍 Ja, graag")
    await talk.tap("⏭️ Overslaan")
    assert TOLD_COACH in [reply.text for reply in talk.replies]
    ((who, note),) = told
    assert who == participant.id
    assert note == "👋 Nazorg: 🙂 Gaat wel · 💼 Ik werk · 👍 Ja, graag"
    run = (await services.repository.runs(participant.id))[-1]
    answers = await services.repository.answers(run.id)
    assert answers[AnswerKey(step="how")] == OptionAnswer(option="gaat_wel")
    assert await aftercare.open(participant) == [], "answered: not asked again"
    again = await aftercare.take(participant, asked.buttons[0][0].action)
    assert again != [] and not isinstance(again, tuple)
    assert again[0].text == ALREADY_ANSWERED


async def test_a_coach_can_switch_it_off_and_a_new_contact_waits_again(
    services: Services, clock: FakeClock
) -> None:
    first = await joined(services, "7")
    second = await joined(services, "8")
    await services.repository.aftercare.set_off(first.id, True)
    clock.now = LATER - timedelta(days=10)
    busy = RunState(cursor=Cursor(step="thumb"))  # she was in touch: three months again
    await services.repository.start_run(second.id, "hand", busy)
    clock.now = LATER
    assert await services.aftercare.plan_due() == 0
    clock.now = LATER + timedelta(days=90)
    assert await services.aftercare.plan_due() == 1, "only the one who was in touch"


async def test_a_forged_or_someone_elses_aftercare_button_does_nothing(
    services: Services, clock: FakeClock
) -> None:
    mine, other = await joined(services, "7"), await joined(services, "8")
    clock.now = LATER
    await services.aftercare.plan_due()
    (asked,) = await services.aftercare.open(mine)
    action = asked.buttons[0][0].action
    assert await services.aftercare.take(other, action) == []
    assert await services.aftercare.take(mine, "nazorg:99999:goed") == []
    assert not services.aftercare.is_answer(action + ":x")


async def test_the_outbox_sends_the_aftercare_question_once(
    services: Services, clock: FakeClock
) -> None:
    await joined(services)
    request = RecordingRequest()
    async with AsyncExitStack() as stack:
        bot = Bot(TOKEN, request=request)
        await bot.initialize()
        stack.push_async_callback(bot.shutdown)
        sender = OutboxSender(
            services.repository,
            services.homework,
            TelegramChannel(services),
            bot,
            pace=Pace(None),
            aftercare=services.aftercare,
        )
        clock.now = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)  # 11:00 in Brussels, 92 days on
        assert await sender.send_due() == 1
        assert await sender.send_due() == 0, "once"
    (call,) = [call for call in request.calls if call.method == "sendMessage"]
    assert call.params["text"] == QUESTION


async def test_whole_aftercare_golden(services: Services, clock: FakeClock) -> None:
    """Golden transcript: the question, a typed word where a tap is needed, back, pause and
    resume, a voice note; then her answers as the coach's export shows them."""
    aftercare = services.aftercare
    participant = await joined(services)
    clock.now = LATER
    await aftercare.plan_due()
    (asked,) = await aftercare.open(participant)
    talk = Transcript(services.conversation, "7")
    talk.lines.append("# the aftercare question arrives")
    talk.lines.extend(transcript.describe(asked))
    await talk.tap("😕 Niet zo goed", asked)
    await talk.say("werk")
    await talk.tap("3️⃣ Ik zoek werk")
    await talk.tap("⬅️ Terug")
    await talk.tap("4️⃣ Ik ben thuis")
    await talk.tap("⏸️ Stop")
    await talk.tap("➡️ Verder")
    await talk.tap("👍 Ja, graag")
    await talk.voice(seconds=5)
    run = (await services.repository.runs(participant.id))[-1]
    assert (run.flow_id, run.status) == ("aftercare", "finished")
    answers = await services.repository.answers(run.id)
    assert answers[AnswerKey(step="doing")] == OptionAnswer(option="thuis")
    golden = GoldenRun(talk, services.repository, services.engines, services.pictures)
    await golden.assert_golden("aftercare_whole")
