"""Small steps around their flows: when a check-in is asked, that only her own finished step
can be checked, that a check-in is asked once, and that it goes out on Telegram by itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot

from bot.services import Services
from bot.settings import Settings
from bot.small_steps import ALREADY_ANSWERED, SmallSteps
from bot.telegram_channel import TelegramChannel
from bot.telegram_outbox import OutboxSender, Pace
from flows.answers import AnswerKey, Answers, OptionAnswer
from flows.conversation_types import Reply
from flows.state import RunState
from storage.repository import Participant, Repository, StoredRun
from tests.conftest import FakeClock
from tests.test_telegram_channel import TOKEN, RecordingRequest

STEP: Answers = {
    AnswerKey(step="theme"): OptionAnswer(option="weg"),
    AnswerKey(step="question_way"): OptionAnswer(option="cv"),
    AnswerKey(step="step_way"): OptionAnswer(option="bellen"),
    AnswerKey(step="when"): OptionAnswer(option="morgen"),
    AnswerKey(step="helper"): OptionAnswer(option="coach"),
}


def brussels(*moment: int) -> datetime:
    """A moment in March 2026 (UTC+1 in Brussels) given as Brussels time."""
    year, month, day, hour, minute = moment
    return datetime(year, month, day, hour - 1, minute, tzinfo=UTC)


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    clock.now = brussels(2026, 3, 2, 10, 0)  # a Monday morning
    opened = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    yield opened
    await opened.close()


async def step_done(repository: Repository, user: str = "7") -> tuple[Participant, StoredRun]:
    """A participant on Telegram with a finished mini-POP: call one company, tomorrow."""
    participant = await repository.record_consent("telegram", user, given=True)
    done = RunState(cursor=None)
    run = await repository.start_run(participant.id, "mini_pop", done)
    run = await repository.save_run(run, done, list(STEP.items()))
    return participant, run


@pytest.mark.parametrize(
    ("now", "when", "asked"),
    [
        ((2026, 3, 2, 10, 0), "vandaag", (2026, 3, 2, 17, 0)),
        ((2026, 3, 2, 18, 0), "vandaag", (2026, 3, 3, 17, 0)),  # too late today: tomorrow
        ((2026, 3, 2, 10, 0), "morgen", (2026, 3, 3, 17, 0)),
        ((2026, 3, 2, 10, 0), "deze_week", (2026, 3, 5, 17, 0)),  # Monday: Thursday
        ((2026, 3, 6, 10, 0), "deze_week", (2026, 3, 8, 17, 0)),  # Friday: Sunday at most
    ],
)
def test_a_check_in_comes_on_the_chosen_day_at_five(
    services: Services,
    clock: FakeClock,
    now: tuple[int, ...],
    when: str,
    asked: tuple[int, ...],
) -> None:
    clock.now = brussels(*now)
    assert services.small_steps.check_moment(when) == brussels(*asked)


async def test_only_her_own_finished_step_can_be_checked(services: Services) -> None:
    steps: SmallSteps = services.small_steps
    mine, run = await step_done(services.repository, "7")
    other, _ = await step_done(services.repository, "8")
    assert await steps.take(other, f"check:{run.id}:ja") == [], "not her step"
    assert await steps.take(mine, "check:999:ja") == []
    assert not steps.is_answer(f"check:{run.id}:misschien")
    assert not steps.is_answer(f"check:{run.id}:ja:extra")
    started = await steps.take(mine, f"check:{run.id}:beetje")
    assert isinstance(started, tuple) and started[0] == "mini_pop_check"
    assert started[1][AnswerKey(step="step")].model_dump()["text"] == "Ik bel één bedrijf"


async def test_a_check_in_is_asked_until_it_is_answered(services: Services) -> None:
    steps, repository = services.small_steps, services.repository
    participant, run = await step_done(repository)
    assert await steps.check_message(participant, run.id) is not None
    started = await steps.take(participant, f"check:{run.id}:ja")
    assert isinstance(started, tuple)
    flow_id, given = started
    answered = services.engines[flow_id].start(given=given)
    check = await repository.start_run(participant.id, flow_id, answered.state)
    await repository.save_run(check, answered.state, answered.writes)
    assert await steps.check_message(participant, run.id) is None, "nothing more to ask"
    again = await steps.take(participant, f"check:{run.id}:ja")
    assert again == [Reply(ALREADY_ANSWERED)]


async def test_the_web_chat_shows_a_due_check_in_above_its_menu(
    services: Services, clock: FakeClock
) -> None:
    participant = await services.repository.record_consent("web", "ABC123", given=True)
    done = RunState(cursor=None)
    run = await services.repository.start_run(participant.id, "mini_pop", done)
    await services.repository.save_run(run, done, list(STEP.items()))
    await services.small_steps.plan_check(participant, run, STEP)
    assert await services.small_steps.open(participant) == [], "not yet due"
    clock.now = brussels(2026, 3, 3, 17, 1)
    shown = await services.conversation.current("web", "ABC123")
    asked = [reply for reply in shown if reply.text.endswith("Is het gelukt?")]
    assert len(asked) == 1
    assert [b.action for row in asked[0].buttons for b in row] == [
        f"check:{run.id}:ja",
        f"check:{run.id}:beetje",
        f"check:{run.id}:niet",
        f"check:{run.id}:later",
    ]


async def test_not_now_asks_again_tomorrow_at_five(services: Services, clock: FakeClock) -> None:
    participant, run = await step_done(services.repository)
    clock.now = brussels(2026, 3, 3, 17, 5)
    said = await services.small_steps.take(participant, f"check:{run.id}:later")
    assert said == [Reply("Oké, ik vraag het je morgen om 17 uur. ⏰")]
    (again,) = await services.repository.outbox.of_run(run.id)
    assert again.send_after == "2026-03-04T16:00:00+00:00"
    assert await services.small_steps.check_message(participant, run.id) is not None


async def test_the_check_in_goes_out_on_telegram_by_itself(
    services: Services, clock: FakeClock
) -> None:
    participant, run = await step_done(services.repository)
    await services.small_steps.plan_check(participant, run, STEP)
    request = RecordingRequest()
    async with AsyncExitStack() as stack:
        bot = Bot(TOKEN, request=request)
        await bot.initialize()
        stack.push_async_callback(bot.shutdown)
        channel = TelegramChannel(services)
        sender = OutboxSender(
            services.repository,
            services.homework,
            channel,
            bot,
            pace=Pace(None),
            small_steps=services.small_steps,
        )
        assert await sender.send_due() == 0, "Tuesday 17:00 is not yet here"
        clock.now = brussels(2026, 3, 3, 17, 0)
        assert await sender.send_due() == 1
        assert await sender.send_due() == 0, "once"
    (call,) = [call for call in request.calls if call.method == "sendMessage"]
    assert call.params["text"] == "👣 Je kleine stap:\n“Ik bel één bedrijf”\nIs het gelukt?"
