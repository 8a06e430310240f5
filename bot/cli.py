"""The `popbot` command: run the bot and the web chat, make links, export answers."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence

from bot.coaching import CoachError
from bot.export import export_participant
from bot.server import serve
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.web_identity import WebIdentity, is_code, load_or_create_secret
from flows.loader import FlowError
from images.manifest import ManifestError

NO_TOKEN = (
    "popbot: set POPBOT_TELEGRAM_TOKEN to your bot's token from @BotFather "
    "(and optionally POPBOT_TELEGRAM_API_URL, POPBOT_DATA_DIR)"
)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except (ManifestError, FlowError) as error:
        # A broken flow file or picture folder: say what is wrong, in one line.
        print(f"popbot: {error}", file=sys.stderr)
        return 2


def _main(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="popbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the Telegram bot (long polling)")
    commands.add_parser("web", help="serve the web chat")
    commands.add_parser(
        "serve", help="serve the web chat, and run the Telegram bot too when a token is set"
    )
    link = commands.add_parser("link", help="a personal web link that resumes a participant")
    link.add_argument("code", help="the participant's code, shown at the bottom of the web chat")
    coach = commands.add_parser("coach", help="add a coach, or sign a coach in")
    coach_commands = coach.add_subparsers(dest="coach_command", required=True)
    coach_add = coach_commands.add_parser("add", help="add a coach: prints her links and codes")
    coach_add.add_argument("name")
    coach_login = coach_commands.add_parser("login", help="a one-time sign-in link (15 min)")
    coach_login.add_argument("name")
    export = commands.add_parser("export", help="print everything stored for a participant")
    export.add_argument("participant", help="a Telegram user id, or a web code with --web")
    export.add_argument("--web", action="store_true", help="the participant uses the web chat")
    args = parser.parse_args(argv)
    # Durations (voice notes) as timedelta, PTB's coming default; the channel reads both.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    settings = load_settings()
    if args.command == "export":
        channel = "web" if args.web else "telegram"
        return asyncio.run(export_command(settings, channel, args.participant))
    if args.command == "link":
        return link_command(settings, args.code)
    if args.command == "coach":
        return asyncio.run(coach_command(settings, args.coach_command, args.name))
    if args.command == "run" and settings.telegram_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    telegram = args.command == "run" or (
        args.command == "serve" and settings.telegram_token is not None
    )
    _quiet_logging()
    asyncio.run(serve(settings, telegram=telegram, web=args.command != "run"))
    return 0


def link_command(settings: Settings, code: str) -> int:
    code = code.strip().upper()
    if not is_code(code):
        print(f"popbot: {code!r} is not a participant code", file=sys.stderr)
        return 2
    secret = load_or_create_secret(settings.data_dir, settings.web_secret)
    print(f"{settings.web_url}/p/{WebIdentity(secret).link_token(code)}")
    return 0


async def coach_command(settings: Settings, command: str, name: str) -> int:
    services = await Services.open(settings)
    try:
        if command == "add":
            added = await services.coaching.add_coach(name)
            coach, link = added.coach, added.sign_in_link
        else:
            coach = await services.coaching.coach_named(name)
            link = await services.coaching.sign_in_link(coach)
    except CoachError as error:
        print(f"popbot: {error}", file=sys.stderr)
        return 1
    finally:
        await services.close()
    print(f"Coach: {coach.name}")
    print(f"Portaal (werkt één keer, 15 minuten): {link}")
    if command == "add":
        print(f"Telegram koppelen: stuur de bot /coach {coach.telegram_code}")
        print(f"Code voor deelnemers: {coach.join_code}")
        print(f"Webchat voor deelnemers: {settings.web_url}/doe-mee/{coach.join_code}")
        if settings.telegram_bot_username:
            bot = settings.telegram_bot_username
            print(f"Telegram voor deelnemers: https://t.me/{bot}?start={coach.join_code}")
    return 0


async def export_command(settings: Settings, channel: str, participant: str) -> int:
    services = await Services.open(settings)
    try:
        data = await export_participant(
            services.repository, services.engines, services.pictures, channel, participant
        )
    finally:
        await services.close()
    if data is None:
        print(f"popbot: nothing stored for {channel} participant {participant}", file=sys.stderr)
        return 1
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _quiet_logging() -> None:
    """Lifecycle and errors only: request URLs carry the token, updates carry answers."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "uvicorn"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
