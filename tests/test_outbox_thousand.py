"""A thousand homework messages due in the same minute, against the loopback Bot API fake:
every participant gets hers exactly once, also those Telegram first answered with 429 or a
5xx, and none arrives between 21:00 and 08:00 in Brussels: what was tried again into the
night waits for 08:00.

The clock only moves when the test moves it (nothing waits for real time), and the outbox
runs unpaced here: its pace (PER_SECOND) has its own test in test_telegram_outbox_pace.py,
and bench/outbox_send.py measures it.
"""

from __future__ import annotations

from collections import Counter
from contextlib import AsyncExitStack
from datetime import date, datetime, time
from pathlib import Path

from bot.homework import BRUSSELS
from bot.services import Services
from bot.settings import Settings
from tests.fake_bot_api import FakeBotApi
from tests.test_outbox_retries import loopback_bot, outbox_sender
from tests.test_telegram_outbox import local

THOUSAND = 1000
FIRST_CHAT = 700_000


class StillClock:
    """A clock that only moves when the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def thousand_with_homework(services: Services) -> list[int]:
    """A thousand Telegram participants of one coach, each given homework now."""
    sara = (await services.coaching.add_coach("Sara")).coach
    chats = list(range(FIRST_CHAT, FIRST_CHAT + THOUSAND))
    for chat in chats:
        joined = await services.repository.record_consent("telegram", str(chat), given=True)
        await services.repository.coaches.join(joined.id, sara.id)
        await services.homework.assign(sara.id, joined, "droompagina", date(2026, 3, 13))
    return chats


def at_night(moment: datetime) -> bool:
    local_time = moment.astimezone(BRUSSELS).time()
    return local_time >= time(21, 0) or local_time < time(8, 0)


async def test_a_thousand_due_at_once_each_arrive_once_and_none_at_night(
    tmp_path: Path,
) -> None:
    clock = StillClock(local(2026, 3, 2, 20, 56))
    with FakeBotApi(require_known_chat=False, clock=lambda: clock.now) as api:
        async with AsyncExitStack() as stack:
            services = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
            stack.push_async_callback(services.close)
            chats = await thousand_with_homework(services)
            sender = outbox_sender(services, await loopback_bot(api, stack))
            # Telegram's trouble: flood control, server errors, and one that lasts.
            for chat in chats[:20]:
                api.fail_next(
                    429, "Too Many Requests: retry after 30", chat_id=chat, retry_after=30
                )
            for chat in chats[20:40]:
                api.fail_next(
                    429, "Too Many Requests: retry after 120", chat_id=chat, retry_after=120
                )
            for chat in chats[40:60]:
                api.fail_next(500, "Internal Server Error", chat_id=chat)
            for chat in chats[60:70]:
                api.fail_next(502, "Bad Gateway", chat_id=chat, times=2)

            assert await sender.send_due() == THOUSAND - 70
            clock.now = local(2026, 3, 2, 20, 57, 10)  # a minute on: the first 429s, the 500s
            assert await sender.send_due() == 40  # the 502s fail again: next try 21:02 → 08:00
            clock.now = local(2026, 3, 2, 20, 58, 30)  # the 429s that asked for two minutes
            assert await sender.send_due() == 20
            for night in ((2026, 3, 2, 21, 0), (2026, 3, 2, 23, 30), (2026, 3, 3, 7, 59, 59)):
                clock.now = local(*night)
                assert await sender.send_due() == 0
            clock.now = local(2026, 3, 3, 8, 0)
            assert await sender.send_due() == 10
            clock.now = local(2026, 3, 3, 12, 0)
            assert await sender.send_due() == 0

            arrived = Counter(delivery.chat_id for delivery in api.deliveries)
            assert arrived == Counter(chats)  # every one of them, exactly once
            assert not [d for d in api.deliveries if at_night(d.at)]
            assert len(api.errors) == 20 + 20 + 20 + 2 * 10
            assert await services.repository.outbox.states() == {
                "sent": THOUSAND,
                "waiting": THOUSAND,
            }
