"""The `popbot` command: run the Telegram bot, or export what a participant answered."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence

from bot.export import export_participant
from bot.services import Services
from bot.settings import Settings, load_settings

log = logging.getLogger("popbot")
NO_TOKEN = (
    "popbot: set POPBOT_TELEGRAM_TOKEN to your bot's token from @BotFather "
    "(and optionally POPBOT_TELEGRAM_API_URL, POPBOT_DATA_DIR)"
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="popbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the Telegram bot (long polling)")
    export = commands.add_parser("export", help="print everything stored for a participant")
    export.add_argument("telegram_user_id", help="the participant's Telegram user id")
    args = parser.parse_args(argv)
    # Durations (voice notes) as timedelta, PTB's coming default; the channel reads both.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    settings = load_settings()
    if args.command == "run":
        return run(settings)
    return asyncio.run(export_command(settings, args.telegram_user_id))


def run(settings: Settings) -> int:
    if settings.telegram_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    _quiet_logging()
    asyncio.run(serve_telegram(settings))
    return 0


async def serve_telegram(settings: Settings) -> None:
    """Long-poll Telegram until SIGINT or SIGTERM."""
    from bot.telegram_channel import announce_commands, build_application

    services = await Services.open(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        application = build_application(services)
        async with application:
            assert application.updater is not None
            await announce_commands(application)
            await application.updater.start_polling(allowed_updates=["message", "callback_query"])
            await application.start()
            log.info("POP-bot is running; data in %s", settings.data_dir.resolve())
            await stop.wait()
            await application.updater.stop()
            await application.stop()
    finally:
        await services.close()


async def export_command(settings: Settings, telegram_user_id: str) -> int:
    services = await Services.open(settings)
    try:
        data = await export_participant(
            services.repository,
            services.engines,
            services.pictures,
            "telegram",
            telegram_user_id,
        )
    finally:
        await services.close()
    if data is None:
        print(f"popbot: nothing stored for Telegram user {telegram_user_id}", file=sys.stderr)
        return 1
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _quiet_logging() -> None:
    """Lifecycle and errors only: request URLs carry the token, updates carry answers."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
