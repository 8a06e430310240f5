"""The outbox keeps to Telegram's limits: at most PER_SECOND messages start a second (on a
fake clock, so nothing here waits), and never two at once to one participant, whose
messages arrive in the order they were due."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.request import RequestData

from bot.telegram_outbox import PER_SECOND, Pace
from tests.test_telegram_channel import RecordingRequest
from tests.test_telegram_outbox import Outbox, Setup, give
from tests.test_telegram_outbox import setup as setup  # the fixture
from tests.test_telegram_outbox_plan import PLAN


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_at_most_per_second_sends_start_in_any_second() -> None:
    time = FakeTime()
    pace = Pace(PER_SECOND, clock=time, sleep=time.sleep)
    starts: list[float] = []

    async def send() -> None:
        await pace.wait()
        starts.append(time.now)

    await asyncio.gather(*(send() for _ in range(100)))
    assert PER_SECOND < 30  # Telegram's limit for a bot: the conversations keep the rest
    second = 1.0 - 1e-6  # a second, give or take the rounding of the sums
    for first in starts:
        assert sum(1 for start in starts if first <= start < first + second) <= PER_SECOND
    assert starts[-1] < 100 / PER_SECOND  # and no slower than that


async def test_no_pace_means_no_waiting() -> None:
    time = FakeTime()
    pace = Pace(None, clock=time, sleep=time.sleep)
    await asyncio.gather(*(pace.wait() for _ in range(50)))
    assert time.now == 0.0


@dataclass
class SlowRequest(RecordingRequest):
    """Telegram answering after a moment; remembers how many sends each chat had at once."""

    open: dict[int, int] = field(default_factory=dict)
    most: dict[int, int] = field(default_factory=dict)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        chat = (request_data.parameters if request_data else {}).get("chat_id")
        if not isinstance(chat, int):
            return await super().do_request(url, method, request_data, *args, **kwargs)
        self.open[chat] = self.open.get(chat, 0) + 1
        self.most[chat] = max(self.most.get(chat, 0), self.open[chat])
        await asyncio.sleep(0.02)
        self.open[chat] -= 1
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_her_messages_go_one_after_the_other_in_order(setup: Setup) -> None:
    request = SlowRequest()
    outbox: Outbox = await setup.open(request)
    await give(outbox.services, 4242)  # homework, due now
    mia = await outbox.services.repository.participant("telegram", "4242")
    sara = await outbox.services.repository.coaches.by_name("Sara")
    assert mia is not None and sara is not None
    stored = await outbox.services.repository.plans.save(mia.id, sara.id, PLAN.model_dump_json())
    await outbox.services.repository.plans.queue_for_participant(stored.id, mia.id)
    for chat in (5001, 5002, 5003):
        await give(outbox.services, chat)
    assert await outbox.sender.send_due() == 5
    captions = [p.params["caption"] for p in outbox.photos() if p.params["chat_id"] == 4242]
    assert [text.split()[0] for text in captions] == ["📚", "📝"]  # homework, then the plan
    assert request.most == {4242: 1, 5001: 1, 5002: 1, 5003: 1}
