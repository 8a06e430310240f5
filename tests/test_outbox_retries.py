"""The outbox against the loopback Bot API fake when Telegram has trouble: what it surely did
not get is tried again 1, 5 and 30 minutes later (a 429 not before its retry_after), never at
night, and given up after that; what it refused, or may have got, is never sent again; the
coach's portal shows each message's state."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest, RequestData

from bot.services import Services
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from bot.telegram_outbox import OutboxSender, Pace
from storage.outbox_repository import OutgoingMessage
from tests.conftest import FakeClock
from tests.fake_bot_api import FakeBotApi
from tests.test_coach_portal_homework import Portal
from tests.test_coach_portal_homework import portal as portal  # the fixture
from tests.test_telegram_outbox import give, local

MIA = 4242


async def loopback_bot(api: FakeBotApi, stack: AsyncExitStack, **request: Any) -> Bot:
    """A real PTB bot talking HTTP to the fake (enough connections for the outbox)."""
    bot = Bot(
        api.token,
        base_url=f"{api.url}/bot",
        base_file_url=f"{api.url}/file/bot",
        request=request.pop("request", None) or HTTPXRequest(connection_pool_size=16, **request),
    )
    await bot.initialize()
    stack.push_async_callback(bot.shutdown)
    return bot


def outbox_sender(services: Services, bot: Bot) -> OutboxSender:
    channel = TelegramChannel(services)
    return OutboxSender(services.repository, services.homework, channel, bot, pace=Pace(None))


class Unreachable(HTTPXRequest):
    """Telegram out of reach: nothing listens where the messages go (connection refused)."""

    def __init__(self, live: str) -> None:
        super().__init__(connection_pool_size=4)
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            self._live, self._dead = live, f"http://127.0.0.1:{closed.getsockname()[1]}"

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        if "/send" in url:
            url = url.replace(self._live, self._dead)
        return await super().do_request(url, method, request_data, *args, **kwargs)


@dataclass
class Loopback:
    api: FakeBotApi
    services: Services
    clock: FakeClock
    stack: AsyncExitStack
    sender: OutboxSender

    def arrived(self, chat: int = MIA) -> int:
        """How many messages arrived in her chat."""
        return sum(1 for delivery in self.api.deliveries if delivery.chat_id == chat)

    def tries(self) -> int:
        return len(self.api.calls_to("sendPhoto"))

    async def sender_with(self, **request: Any) -> OutboxSender:
        return outbox_sender(self.services, await loopback_bot(self.api, self.stack, **request))

    async def message(self, homework: int) -> OutgoingMessage:
        """The homework's first message (the one announcing it)."""
        return (await self.services.repository.homework.messages(homework))[0]

    async def send_at(self, *moment: int) -> int:
        self.clock.now = local(*moment)
        return await self.sender.send_due()


@pytest.fixture
async def loopback(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Loopback]:
    clock.now = local(2026, 3, 2, 10, 0)  # a Monday
    with FakeBotApi(require_known_chat=False, clock=lambda: clock.now) as api:
        async with AsyncExitStack() as stack:
            services = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
            stack.push_async_callback(services.close)
            sender = outbox_sender(services, await loopback_bot(api, stack))
            yield Loopback(api, services, clock, stack, sender)


@pytest.mark.parametrize(
    ("code", "description", "failure"),
    [
        (429, "Too Many Requests: retry after 5", "rate_limited"),
        (500, "Internal Server Error", "server_error"),
        (502, "Bad Gateway", "server_error"),
        (503, "Service Unavailable", "server_error"),
        (400, "Bad Request: please try again later", "temporary"),
    ],
)
async def test_what_telegram_surely_did_not_get_goes_out_a_minute_later_once(
    loopback: Loopback, code: int, description: str, failure: str
) -> None:
    homework = await give(loopback.services, MIA)
    loopback.api.fail_next(code, description, retry_after=5 if code == 429 else None)
    assert await loopback.sender.send_due() == 0
    waiting = await loopback.message(homework)
    assert (waiting.state, waiting.failure, waiting.attempts) == ("waiting", failure, 1)
    assert await loopback.send_at(2026, 3, 2, 10, 0, 50) == 0
    assert await loopback.send_at(2026, 3, 2, 10, 1, 30) == 1
    assert await loopback.send_at(2026, 3, 2, 12, 0) == 0
    assert loopback.arrived() == 1 and loopback.tries() == 2
    assert (await loopback.message(homework)).state == "sent"


async def test_a_429_waits_as_long_as_telegram_asked(loopback: Loopback) -> None:
    homework = await give(loopback.services, MIA)
    loopback.api.fail_next(429, "Too Many Requests: retry after 90", retry_after=90)
    assert await loopback.sender.send_due() == 0
    assert await loopback.send_at(2026, 3, 2, 10, 1, 15) == 0  # a minute: not long enough
    assert loopback.arrived() == 0 and loopback.tries() == 1
    assert await loopback.send_at(2026, 3, 2, 10, 1, 45) == 1
    assert loopback.arrived() == 1 and (await loopback.message(homework)).state == "sent"


async def test_tried_again_after_1_5_and_30_minutes_then_given_up(loopback: Loopback) -> None:
    homework = await give(loopback.services, MIA)
    loopback.api.fail_next(500, "Internal Server Error", times=10)
    assert await loopback.sender.send_due() == 0
    for moment, tries in (((10, 0, 59), 1), ((10, 1, 30), 2), ((10, 6, 0), 2), ((10, 7, 0), 3)):
        assert await loopback.send_at(2026, 3, 2, *moment) == 0
        assert loopback.tries() == tries
    assert await loopback.send_at(2026, 3, 2, 10, 37, 30) == 0
    assert loopback.tries() == 4
    given_up = await loopback.message(homework)
    assert (given_up.state, given_up.failure, given_up.attempts) == ("failed", "server_error", 4)
    assert await loopback.send_at(2026, 3, 3, 12, 0) == 0
    assert loopback.tries() == 4 and loopback.arrived() == 0


async def test_with_no_connection_it_is_tried_again_and_then_goes_out(loopback: Loopback) -> None:
    homework = await give(loopback.services, MIA)
    cut_off = await loopback.sender_with(request=Unreachable(loopback.api.url))
    assert await cut_off.send_due() == 0
    waiting = await loopback.message(homework)
    assert (waiting.state, waiting.failure) == ("waiting", "not_connected")
    assert await loopback.send_at(2026, 3, 2, 10, 1, 30) == 1
    assert loopback.arrived() == 1


@pytest.mark.parametrize(
    ("code", "description", "failure", "state"),
    [
        (403, "Forbidden: bot was blocked by the user", "blocked", "failed"),
        (400, "Bad Request: chat not found", "rejected", "failed"),
        (504, "Gateway Timeout", "no_answer", "unknown"),
    ],
)
async def test_what_telegram_refused_or_may_have_got_is_never_tried_again(
    loopback: Loopback, code: int, description: str, failure: str, state: str
) -> None:
    homework = await give(loopback.services, MIA)
    loopback.api.fail_next(code, description)
    assert await loopback.sender.send_due() == 0
    assert await loopback.send_at(2026, 3, 3, 12, 0) == 0
    assert loopback.tries() == 1
    message = await loopback.message(homework)
    assert (message.state, message.failure, message.attempts) == (state, failure, 1)


@pytest.mark.parametrize("delivered", [True, False])
async def test_no_answer_after_the_request_went_out_means_never_again(
    loopback: Loopback, delivered: bool
) -> None:
    """Telegram may have it: at most once, even if that means not at all."""
    homework = await give(loopback.services, MIA)
    impatient = await loopback.sender_with(read_timeout=0.3)
    loopback.api.hang_next(MIA, delivered=delivered)
    assert await impatient.send_due() == 0
    loopback.api.release_hung()
    message = await loopback.message(homework)
    assert (message.state, message.failure) == ("unknown", "no_answer")
    assert await loopback.send_at(2026, 3, 3, 12, 0) == 0
    assert loopback.tries() == 1 and loopback.arrived() == int(delivered)


async def test_stopped_while_sending_it_is_never_sent_again(loopback: Loopback) -> None:
    homework = await give(loopback.services, MIA)
    loopback.api.hang_next(MIA, delivered=True)
    sending = asyncio.create_task(loopback.sender.send_due())
    await loopback.api.wait_for_async(lambda: loopback.api.hung, what="the send to hang")
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    loopback.api.release_hung()
    assert (await loopback.message(homework)).state == "unknown"
    assert await loopback.send_at(2026, 3, 3, 12, 0) == 0
    assert loopback.tries() == 1 and loopback.arrived() == 1


async def test_a_try_that_would_fall_at_night_waits_until_8(loopback: Loopback) -> None:
    loopback.clock.now = local(2026, 3, 2, 20, 59, 30)
    homework = await give(loopback.services, MIA)
    loopback.api.fail_next(500, "Internal Server Error")
    assert await loopback.sender.send_due() == 0
    waiting = await loopback.message(homework)
    assert waiting.state == "waiting" and waiting.send_after == "2026-03-03T07:00:00+00:00"
    for moment in ((2026, 3, 2, 21, 1), (2026, 3, 3, 2, 0), (2026, 3, 3, 7, 59, 50)):
        assert await loopback.send_at(*moment) == 0
    assert loopback.tries() == 1
    assert await loopback.send_at(2026, 3, 3, 8, 0) == 1
    (delivery,) = loopback.api.deliveries
    assert delivery.at >= local(2026, 3, 3, 8, 0)


async def test_the_portal_shows_a_try_to_come_as_planned_and_one_given_up_as_not_sent(
    portal: Portal,
) -> None:
    sara = await portal.signed_in(portal.sara)
    mia = await portal.services.repository.participant_by_id(portal.mia)
    assert mia is not None
    await portal.services.homework.assign(portal.sara.id, mia, "droompagina", date(2026, 3, 6))
    with FakeBotApi(require_known_chat=False) as api:
        async with AsyncExitStack() as stack:
            sender = outbox_sender(portal.services, await loopback_bot(api, stack))
            api.fail_next(500, "Internal Server Error", times=4)
            await sender.send_due()
            (line,) = (await portal.page(sara, portal.mia)).homework
            assert "bericht gepland 02/03/2026 10:01" in line
            for minutes in (2, 8, 40):
                portal.clock.now = local(2026, 3, 2, 10, minutes)
                await sender.send_due()
    (line,) = (await portal.page(sara, portal.mia)).homework
    assert "bericht niet verstuurd" in line and "herinnering gepland 05/03/2026 10:00" in line
