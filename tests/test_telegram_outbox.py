"""The outbox on Telegram: homework and reminders go out once, on time, never at night in
Brussels, also across a restart, a crash, two senders and a participant who blocked the bot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.request import RequestData

from bot.homework import BRUSSELS
from bot.services import Services
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from bot.telegram_outbox import OutboxSender
from storage.coach_repository import Coach
from storage.repository import Participant
from tests.conftest import FakeClock
from tests.test_telegram_channel import TOKEN, Call, RecordingRequest, buttons

BLOCKED = 666


def local(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


@dataclass
class BlockedRequest(RecordingRequest):
    """Telegram as it answers when participant BLOCKED has blocked the bot."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        if url.endswith("/sendPhoto") and params.get("chat_id") == BLOCKED:
            self.calls.append(Call("sendPhoto", dict(params), False))
            answer = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"}
            return 403, json.dumps(answer).encode()
        return await super().do_request(url, method, request_data, *args, **kwargs)


@dataclass
class Outbox:
    services: Services
    request: RecordingRequest
    sender: OutboxSender

    def photos(self) -> list[Call]:
        return [call for call in self.request.take() if call.method == "sendPhoto"]


class Setup:
    """Services, bots and senders on one data folder; everything closed at the end."""

    def __init__(self, data_dir: Path, clock: FakeClock, stack: AsyncExitStack) -> None:
        self.data_dir, self.clock, self.stack = data_dir, clock, stack

    async def open(self, request: RecordingRequest | None = None) -> Outbox:
        services = await Services.open(Settings(data_dir=self.data_dir), self.clock)
        self.stack.push_async_callback(services.close)
        request = request or RecordingRequest()
        bot = Bot(TOKEN, request=request)
        await bot.initialize()
        self.stack.push_async_callback(bot.shutdown)
        request.take()
        sender = OutboxSender(
            services.repository, services.homework, TelegramChannel(services), bot
        )
        return Outbox(services, request, sender)


@pytest.fixture
async def setup(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Setup]:
    clock.now = local(2026, 3, 2, 10, 0)  # a Monday
    async with AsyncExitStack() as stack:
        yield Setup(tmp_path / "data", clock, stack)


@pytest.fixture
async def outbox(setup: Setup) -> Outbox:
    return await setup.open()


async def coach(services: Services, name: str = "Sara") -> Coach:
    found = await services.repository.coaches.by_name(name)
    return found or (await services.coaching.add_coach(name)).coach


async def participant(services: Services, chat_id: int) -> Participant:
    joined = await services.repository.record_consent("telegram", str(chat_id), given=True)
    await services.repository.coaches.join(joined.id, (await coach(services)).id)
    return joined


async def give(services: Services, chat_id: int, due: date = date(2026, 3, 6)) -> int:
    """Homework for a new participant in this chat; returns the homework's id."""
    who = await participant(services, chat_id)
    sara = await coach(services)
    return (await services.homework.assign(sara.id, who, "droompagina", due)).id


async def test_nothing_due_sends_nothing(outbox: Outbox) -> None:
    await participant(outbox.services, 4242)
    assert await outbox.sender.send_due() == 0
    assert outbox.request.take() == []


async def test_homework_goes_out_once_with_the_collage_and_a_button(outbox: Outbox) -> None:
    homework = await give(outbox.services, 4242)
    assert await outbox.sender.send_due() == 1
    (photo,) = outbox.photos()
    assert photo.uploads and photo.params["chat_id"] == 4242
    assert "Huiswerk van Sara" in photo.params["caption"]
    assert "vrijdag 6 maart" in photo.params["caption"]
    assert buttons(photo) == ["m:droompagina"]
    assert await outbox.sender.send_due() == 0
    assert outbox.photos() == []
    first, reminder = await outbox.services.repository.homework.messages(homework)
    assert first.sent_at is not None and reminder.claimed_at is None


async def test_the_reminder_goes_out_at_10_the_day_before(outbox: Outbox, clock: FakeClock) -> None:
    await give(outbox.services, 4242)
    assert await outbox.sender.send_due() == 1
    assert outbox.photos()[0].uploads
    clock.now = local(2026, 3, 5, 9, 59)
    assert await outbox.sender.send_due() == 0
    assert outbox.photos() == []
    clock.now = local(2026, 3, 5, 10, 0)
    assert await outbox.sender.send_due() == 1
    (reminder,) = outbox.photos()
    assert "morgen" in reminder.params["caption"]
    assert buttons(reminder)[0] == "m:droompagina" and "m:quiet" in buttons(reminder)
    assert not reminder.uploads  # the same collage, sent again by Telegram's file id
    assert reminder.params["photo"] == "PHOTO-1"


async def test_after_a_restart_only_the_reminder_goes_out(setup: Setup, clock: FakeClock) -> None:
    async with AsyncExitStack() as before:
        first = await Setup(setup.data_dir, clock, before).open()
        await give(first.services, 4242)
        assert await first.sender.send_due() == 1
    clock.now = local(2026, 3, 5, 10, 0, 30)
    again = await setup.open()
    assert await again.sender.send_due() == 1
    (reminder,) = again.photos()
    assert reminder.params["chat_id"] == 4242 and "morgen" in reminder.params["caption"]
    assert await again.sender.send_due() == 0


async def test_a_message_claimed_before_a_crash_is_never_sent(
    outbox: Outbox, clock: FakeClock
) -> None:
    homework = await give(outbox.services, 4242)
    (claimed,) = await outbox.services.repository.outbox.claim_due("telegram")
    assert claimed.kind == "homework"  # ...and then the process died before sending it
    assert await outbox.sender.send_due() == 0
    first, _ = await outbox.services.repository.homework.messages(homework)
    assert first.state == "sending"  # for now: it may still be on its way
    clock.now = local(2026, 3, 5, 10, 0)
    assert await outbox.sender.send_due() == 1
    (reminder,) = outbox.photos()
    assert "morgen" in reminder.params["caption"]
    first, _ = await outbox.services.repository.homework.messages(homework)
    assert first.claimed_at is not None and first.sent_at is None
    assert first.state == "unknown" and first.failure == "unknown"  # never sent again


async def test_two_senders_on_one_database_send_each_message_once(setup: Setup) -> None:
    one, two = await setup.open(), await setup.open()
    chats = list(range(5001, 5013))
    for chat in chats:
        await give(one.services, chat)
    counts = await asyncio.gather(one.sender.send_due(), two.sender.send_due())
    photos = one.photos() + two.photos()
    assert sorted(photo.params["chat_id"] for photo in photos) == chats
    # Two processes on one database: SQLite may refuse a write after a message went out
    # (then it counts as unknown), but it never sends one twice.
    assert 0 < sum(counts) <= len(chats)


async def test_a_participant_who_blocked_the_bot_does_not_stop_the_others(
    setup: Setup,
) -> None:
    outbox = await setup.open(BlockedRequest())
    await give(outbox.services, BLOCKED)
    await give(outbox.services, 4242)
    assert await outbox.sender.send_due() == 1
    assert sorted(photo.params["chat_id"] for photo in outbox.photos()) == [BLOCKED, 4242]
    assert await outbox.sender.send_due() == 0  # not tried again
    assert outbox.photos() == []


async def test_consent_taken_back_means_no_more_messages(outbox: Outbox) -> None:
    await give(outbox.services, 4242)
    await outbox.services.repository.record_consent("telegram", "4242", given=False)
    assert await outbox.sender.send_due() == 0
    assert outbox.photos() == []


@pytest.mark.parametrize(("hour", "minute", "sent"), [(23, 0, 0), (7, 59, 0), (8, 0, 1)])
async def test_homework_given_at_22_waits_until_8(
    outbox: Outbox, clock: FakeClock, hour: int, minute: int, sent: int
) -> None:
    clock.now = local(2026, 3, 2, 22, 0)
    await give(outbox.services, 4242)
    clock.now = local(2026, 3, 2 if hour > 12 else 3, hour, minute)
    assert await outbox.sender.send_due() == sent
    assert len(outbox.photos()) == sent


async def test_messages_left_over_from_the_day_wait_for_the_morning(
    outbox: Outbox, clock: FakeClock
) -> None:
    """The bot was down from 20:30 to 23:00: what was due then waits until 08:00."""
    clock.now = local(2026, 3, 2, 20, 30)
    await give(outbox.services, 4242)
    clock.now = local(2026, 3, 2, 23, 0)
    assert await outbox.sender.send_due() == 0
    assert outbox.photos() == []
    clock.now = local(2026, 3, 3, 8, 0)
    assert await outbox.sender.send_due() == 1
    assert len(outbox.photos()) == 1


async def test_no_reminders_for_who_asked_for_none(outbox: Outbox, clock: FakeClock) -> None:
    homework = await give(outbox.services, 4242)
    assert await outbox.sender.send_due() == 1  # the homework itself
    assert len(outbox.photos()) == 1
    mia = await outbox.services.repository.participant("telegram", "4242")
    assert mia is not None
    await outbox.services.homework.stop_reminders(mia)
    clock.now = local(2026, 3, 5, 10, 0)
    assert await outbox.sender.send_due() == 0
    assert outbox.photos() == []
    _, reminder = await outbox.services.repository.homework.messages(homework)
    assert reminder.sent_at is None


async def test_a_failed_round_is_logged_by_kind_and_place_never_by_its_text(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    said = "".join(["Mia schreef: ik ben ", "bang"])  # what a participant said, not code

    async def fails() -> int:
        raise ValueError(said)

    monkeypatch.setattr(outbox.sender, "send_due", fails)
    running = asyncio.create_task(outbox.sender.run(every=3600))
    await asyncio.sleep(0.05)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert "the outbox check failed" in caplog.text and "ValueError" in caplog.text
    assert "bang" not in caplog.text
