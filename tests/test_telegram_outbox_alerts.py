"""A 🆘 on a check-in reaches her coach in Telegram at once (not at the outbox's next round),
exactly once: also after a crash before it was sent, with two senders, and when Telegram had
trouble; at night without a sound; and not at all when the coach has no Telegram."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.request import RequestData

from bot.action_check_ins import THANKS
from bot.services import Services
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel, build_application
from bot.telegram_outbox import OutboxSender, Pace
from flows.conversation_types import Reply
from storage.records import Participant
from tests.conftest import FakeClock
from tests.test_action_check_ins import asked, local, plan_sent, tap
from tests.test_action_check_ins import services as services  # the fixture
from tests.test_telegram_channel import BOT_USER, TOKEN, Call, RecordingRequest

COACH = 9001
ALERT = "Mia vraagt om hulp 🆘\nBij de actie: “De bakker bellen”\nIn het portaal: {link}"


@dataclass
class TroubledRequest(RecordingRequest):
    """Telegram answering the coach's chat with `answers` (status, description), one a try,
    then as usual."""

    answers: list[tuple[int, str]] | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        if url.endswith("/sendMessage") and params.get("chat_id") == COACH and self.answers:
            code, description = self.answers.pop(0)
            self.calls.append(Call("sendMessage", dict(params), False))
            return code, json.dumps(
                {"ok": False, "error_code": code, "description": description}
            ).encode()
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def a_sender(
    services: Services, stack: AsyncExitStack, request: RecordingRequest | None = None
) -> tuple[OutboxSender, RecordingRequest]:
    request = request or RecordingRequest()
    bot = Bot(TOKEN, request=request)
    await bot.initialize()
    stack.push_async_callback(bot.shutdown)
    request.take()
    channel = TelegramChannel(services)
    return OutboxSender(
        services.repository, services.homework, channel, bot, pace=Pace(None)
    ), request


def to_coach(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == COACH]


async def help_asked(services: Services, clock: FakeClock, *, hour: int = 17) -> Participant:
    """Mia (her coach linked Telegram) taps 🆘 on the halfway check-in of De bakker bellen."""
    mia, _ = await plan_sent(services, coach_telegram=str(COACH))
    clock.now = local(2026, 3, 7, hour, 0)
    halfway = min(
        (m for m in await asked(services, mia) if m.action_index == 0), key=lambda m: m.send_after
    )
    said = await tap(services, "hulp", halfway.id)
    assert said[0] == Reply(THANKS["hulp"]) == Reply("Ik laat het je coach meteen weten. 🤝")
    return mia


async def test_a_call_for_help_reaches_the_coach_in_telegram_once(
    services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    mia = await help_asked(services, clock)
    async with AsyncExitStack() as stack:
        sender, request = await a_sender(services, stack)
        assert await sender.send_alerts() == 1
        (alert,) = to_coach(request.take())
        link = f"http://127.0.0.1:8000/coach/deelnemer/{mia.id}/plan#check-ins"
        assert alert.params["text"] == ALERT.format(link=link)
        assert not alert.params.get("disable_notification"), "in the daytime with a sound"
        assert await sender.send_alerts() == 0
        second = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
        stack.push_async_callback(second.close)
        other, other_request = await a_sender(second, stack)
        assert await other.send_alerts() == 0, "a second sender does not send it again"
        assert await sender.send_due() >= 1  # her plan and check-ins: the coach gets nothing
        assert to_coach(request.take() + other_request.take()) == []


async def test_it_goes_out_at_once_not_at_the_next_round_of_the_outbox(
    tmp_path: Path, clock: FakeClock
) -> None:
    clock.now = local(2026, 3, 2, 10, 0)
    settings = Settings(telegram_token=TOKEN, data_dir=tmp_path / "data")
    services = await Services.open(settings, clock)
    mia, _ = await plan_sent(services, coach_telegram=str(COACH))
    clock.now = local(2026, 3, 7, 17, 0)
    halfway = min(
        (m for m in await asked(services, mia) if m.action_index == 0), key=lambda m: m.send_after
    )
    request = RecordingRequest()
    application = build_application(services, request=request)
    await application.initialize()
    sender = OutboxSender(
        services.repository,
        services.homework,
        TelegramChannel(services),
        application.bot,
        pace=Pace(None),
    )
    running = asyncio.create_task(sender.run(every=3600))  # its next round: in an hour
    try:
        await asyncio.sleep(0.2)  # its first round is done
        query = {
            "id": "q1",
            "from": {"id": 4242, "is_bot": False, "first_name": "Mia"},
            "chat_instance": "ci",
            "data": f"m:actie:{halfway.id}:hulp",
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 4242, "type": "private"},
                "from": BOT_USER,
            },
        }
        update = Update.de_json({"update_id": 1, "callback_query": query}, application.bot)
        await application.process_update(update)
        for _ in range(100):
            if to_coach(request.calls):
                break
            await asyncio.sleep(0.02)
        (alert,) = to_coach(request.calls)
        assert alert.params["text"].startswith("Mia vraagt om hulp 🆘")
        thanks = [c for c in request.calls if c.params.get("chat_id") == 4242]
        assert "Ik laat het je coach meteen weten. 🤝" in [c.params.get("text") for c in thanks]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await application.shutdown()
        await services.close()


async def test_an_alert_stored_before_a_crash_goes_out_after_the_restart_once(
    clock: FakeClock, tmp_path: Path
) -> None:
    clock.now = local(2026, 3, 2, 10, 0)
    first = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    await help_asked(first, clock)
    await first.close()  # the process dies before any sender ran
    async with AsyncExitStack() as stack:
        again = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
        stack.push_async_callback(again.close)
        sender, request = await a_sender(again, stack)
        assert await sender.send_alerts() == 1
        assert await sender.send_alerts() == 0
        assert len(to_coach(request.take())) == 1


async def test_at_night_the_coach_is_told_without_a_sound(
    services: Services, clock: FakeClock
) -> None:
    await help_asked(services, clock, hour=22)
    async with AsyncExitStack() as stack:
        sender, request = await a_sender(services, stack)
        assert await sender.send_alerts() == 1
    (alert,) = to_coach(request.take())
    assert alert.params["disable_notification"] is True


async def test_what_telegram_surely_did_not_get_is_tried_again_and_a_refusal_is_not(
    services: Services, clock: FakeClock
) -> None:
    mia = await help_asked(services, clock)
    troubled = TroubledRequest(answers=[(502, "Bad Gateway"), (403, "Forbidden: bot was blocked")])
    async with AsyncExitStack() as stack:
        sender, request = await a_sender(services, stack, troubled)
        assert await sender.send_alerts() == 0
        assert await sender.send_alerts() == 0, "not before a minute has passed"
        clock.now += timedelta(minutes=2)
        assert await sender.send_alerts() == 0, "refused: the coach blocked the bot"
        clock.now += timedelta(hours=1)
        assert await sender.send_alerts() == 0
    assert len(to_coach(request.take())) == 2
    stored = await services.repository.plans.current(mia.id)
    assert stored is not None
    (check_in,) = await services.repository.check_ins.of_plan(stored.id)
    assert check_in.alert_state == "failed" and check_in.alert_failure == "blocked"


async def test_without_telegram_the_coach_gets_no_message(
    services: Services, clock: FakeClock
) -> None:
    mia, stored = await plan_sent(services)  # Sara never linked Telegram
    clock.now = local(2026, 3, 3, 17, 0)
    (bike,) = [m for m in await asked(services, mia) if m.action_index == 2]
    assert (await tap(services, "hulp", bike.id))[0] == Reply(THANKS["hulp"])
    async with AsyncExitStack() as stack:
        sender, request = await a_sender(services, stack)
        assert await sender.send_alerts() == 0
    assert to_coach(request.take()) == []
    (check_in,) = await services.repository.check_ins.of_plan(stored.id)
    assert check_in.answer == "hulp" and check_in.alert_state is None
