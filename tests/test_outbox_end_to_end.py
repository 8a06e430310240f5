"""`popbot run` as a real process against the loopback Bot API fake, killed (SIGKILL) while a
homework message is on its way: after the restart that message is never sent again (it
arrives at most once), the others go out once, and what was queued while the bot was down
goes out at the start.

The process runs with a clock that starts at a Monday 10:00 in Brussels (see LAUNCH), so
the test does not depend on the hour it runs at (nothing goes out between 21:00 and 08:00).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.services import Services
from bot.settings import Settings
from bot.telegram_outbox import ABANDONED_AFTER
from tests.fake_bot_api import FakeBotApi
from tests.test_outbox_thousand import StillClock
from tests.test_telegram_outbox import local

ANN, BEA, CAT = 8001, 8002, 8003
START = local(2026, 3, 2, 10, 0)
LAUNCH = """
import sys, time
from datetime import datetime, timedelta
from bot import services
from bot.cli import main

START, started = datetime.fromisoformat(sys.argv[1]), time.monotonic()
opened = services.Services.open.__func__

def clock():
    return START + timedelta(seconds=time.monotonic() - started)

async def open_at(cls, settings, _=None):
    return await opened(cls, settings, clock)

services.Services.open = classmethod(open_at)
sys.exit(main(["run"]))
"""


class BotProcess:
    """`popbot run` on a clock that starts at START; started, killed or stopped."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, api: FakeBotApi) -> None:
        polls = api.polls
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, START.isoformat()],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        api.wait_for(lambda: api.polls > polls, timeout=30, what="the bot to poll")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)


async def give_homework(data_dir: Path, chats: tuple[int, ...]) -> None:
    """What a coach does in the portal, at START: homework for each of these participants."""
    services = await Services.open(Settings(data_dir=data_dir), StillClock(START))
    try:
        sara = await services.repository.coaches.by_name("Sara")
        sara = sara or (await services.coaching.add_coach("Sara")).coach
        for chat in chats:
            joined = await services.repository.record_consent("telegram", str(chat), given=True)
            await services.repository.coaches.join(joined.id, sara.id)
            await services.homework.assign(sara.id, joined, "droompagina", START.date())
    finally:
        await services.close()


def wait_until(done: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


async def state_of(data_dir: Path, chat: int, minutes_later: int = 0) -> str:
    """Her homework message's state, as the outbox sees it `minutes_later`."""
    later = StillClock(START.replace(minute=minutes_later))
    services = await Services.open(Settings(data_dir=data_dir), later)
    try:
        await services.repository.outbox.mark_abandoned(ABANDONED_AFTER)  # as each pass does
        found = await services.repository.participant("telegram", str(chat))
        assert found is not None
        (message,) = await services.repository.outbox.of_participant(found.id)
        return message.state
    finally:
        await services.close()


@pytest.mark.parametrize("delivered", [True, False], ids=["it-arrived", "it-did-not"])
def test_killed_while_sending_it_never_goes_out_twice(tmp_path: Path, delivered: bool) -> None:
    data_dir = tmp_path / "data"
    with FakeBotApi() as api:
        env = {
            **os.environ,
            "POPBOT_TELEGRAM_TOKEN": api.token,
            "POPBOT_TELEGRAM_API_URL": api.url,
            "POPBOT_DATA_DIR": str(data_dir),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        for chat in (ANN, BEA, CAT):
            api.add_chat(chat)
        asyncio.run(give_homework(data_dir, (ANN, BEA)))
        api.hang_next(ANN, delivered=delivered)  # Telegram takes its time to answer for Ann
        bot = BotProcess(env, tmp_path / "bot.log")
        bot.start(api)
        api.wait_for(
            lambda: api.hung == 1 and any(d.chat_id == BEA for d in api.deliveries),
            timeout=30,
            what="Ann's message on its way and Bea's delivered",
        )
        wait_until(lambda: asyncio.run(state_of(data_dir, BEA)) == "sent", "Bea's sent")
        bot.kill()
        api.release_hung()
        asyncio.run(give_homework(data_dir, (CAT,)))  # given while the bot is down
        bot.start(api)
        api.wait_for(
            lambda: any(d.chat_id == CAT for d in api.deliveries),
            timeout=30,
            what="Cat's message after the restart",
        )
        assert bot.stop() == 0
        arrived = Counter(delivery.chat_id for delivery in api.deliveries)
    assert arrived == Counter({ANN: int(delivered), BEA: 1, CAT: 1})
    assert asyncio.run(state_of(data_dir, ANN)) == "sending"  # claimed, no result yet
    assert asyncio.run(state_of(data_dir, ANN, minutes_later=20)) == "unknown"
    assert asyncio.run(state_of(data_dir, BEA)) == "sent"
