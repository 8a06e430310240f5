"""How long N due outbox messages take to go out, against the loopback Bot API fake
(tests/fake_bot_api.py over real HTTP with python-telegram-bot): one message after the other,
as the outbox sent them before issue #6, beside CONCURRENCY at a time, with no network delay
and with one; then at the production pace (PER_SECOND) against a fake that enforces
Telegram's 30 a second, beside the same without a pace.

Run from the repository root (about a minute with the defaults):

    .venv/bin/python -m bench.outbox_send
    .venv/bin/python -m bench.outbox_send --messages 1000 --latency-ms 80

Each row starts from a fresh database with N Telegram participants who each got homework
(the same Droompagina picture, uploaded once and then sent by Telegram's file id) and times
one `OutboxSender.send_due()`: claim, make the message, send, mark sent. "429s" counts the
answers Telegram's flood control (the fake's `flood_limit`) gave; those messages are tried
again a minute later, so they are not in "sent". Over loopback the fake already answers in
about 45 ms (TCP's delayed ACK between httpx and uvicorn), a bit like a real network; "added"
is the delay it adds to every send on top of that.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.services import Services
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from bot.telegram_outbox import CONCURRENCY, PER_SECOND, OutboxSender, Pace
from images.hooks import render_image
from tests.fake_bot_api import FakeBotApi

MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Brussels
TELEGRAM_PER_SECOND = 30


@dataclass(frozen=True)
class Way:
    label: str
    concurrency: int
    per_second: float | None
    flood_limit: int | None = None


@dataclass(frozen=True)
class Row:
    way: Way
    latency: float
    seconds: float
    sent: int
    floods: int


async def due_messages(services: Services, count: int) -> None:
    """`count` participants with homework due now; its picture made beforehand."""
    sara = (await services.coaching.add_coach("Sara")).coach
    for chat in range(1, count + 1):
        joined = await services.repository.record_consent("telegram", str(chat), given=True)
        await services.repository.coaches.join(joined.id, sara.id)
        homework = await services.homework.assign(sara.id, joined, "droompagina", date(2026, 3, 9))
    first = (await services.repository.homework.messages(homework.id))[0]
    reply = await services.homework.message(first)
    if reply is not None and reply.image is not None:
        await asyncio.to_thread(render_image, services.renderer, reply.image)


async def measure(way: Way, count: int, latency: float) -> Row:
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeBotApi(require_known_chat=False, latency=latency, flood_limit=way.flood_limit) as api,
    ):
        services = await Services.open(Settings(data_dir=Path(folder)), lambda: MONDAY_10)
        bot = Bot(
            api.token,
            base_url=f"{api.url}/bot",
            base_file_url=f"{api.url}/file/bot",
            request=HTTPXRequest(connection_pool_size=2 * CONCURRENCY),
        )
        try:
            await due_messages(services, count)
            await bot.initialize()
            sender = OutboxSender(
                services.repository,
                services.homework,
                TelegramChannel(services),
                bot,
                concurrency=way.concurrency,
                pace=Pace(way.per_second),
            )
            started = time.perf_counter()
            sent = await sender.send_due()
            seconds = time.perf_counter() - started
        finally:
            await bot.shutdown()
            await services.close()
        floods = sum(1 for error in api.errors if error.code == 429)
    return Row(way, latency, seconds, sent, floods)


async def main(count: int, latency_ms: float) -> None:
    latency = latency_ms / 1000
    logging.getLogger("bot.telegram_outbox").setLevel(logging.ERROR)  # the 429s, one a line
    before = Way("one at a time (before)", 1, None)
    now = Way(f"{CONCURRENCY} at a time (now)", CONCURRENCY, None)
    paced = Way(f"{CONCURRENCY} at a time, {PER_SECOND:g}/s (production)", CONCURRENCY, PER_SECOND)
    plan = [(before, 0.0), (now, 0.0), (before, latency), (now, latency)]
    limited = [  # Telegram's flood control in the fake, with the network delay
        Way(f"{paced.label}, Telegram's 30/s", CONCURRENCY, PER_SECOND, TELEGRAM_PER_SECOND),
        Way(f"{now.label}, Telegram's 30/s", CONCURRENCY, None, TELEGRAM_PER_SECOND),
    ]
    print(f"outbox: {count} due messages to the loopback Bot API fake")
    print(
        f"{'added':>6}  {'way':<48} {'seconds':>8} {'msg/s':>7}"
        f" {'ms/msg':>7} {'sent':>5} {'429s':>5}"
    )
    for way, delay in [*plan, *((way, latency) for way in limited)]:
        row = await measure(way, count, delay)
        rate = row.sent / row.seconds if row.seconds else 0.0
        per = 1000 * row.seconds / row.sent if row.sent else 0.0
        print(
            f"{1000 * delay:>4.0f}ms  {way.label:<48} {row.seconds:>8.2f} {rate:>7.1f}"
            f" {per:>7.2f} {row.sent:>5} {row.floods:>5}",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200, help="due messages (default 200)")
    parser.add_argument(
        "--latency-ms", type=float, default=50, help="the fake's delay per send (default 50)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.latency_ms))
