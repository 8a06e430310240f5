"""The action plan on Telegram: when the coach sends it, it goes out once as one photo (the
plan card) with the plan in words, never at night; what cannot be sent is logged."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.action_plan import Action, ActionPlan
from bot.plan_message import plan_reply
from images.hooks import render_image
from storage.repository import DATABASE_FILE
from tests.conftest import FakeClock
from tests.test_telegram_channel import buttons
from tests.test_telegram_outbox import Outbox, Setup, coach, give, local, participant

PLAN = ActionPlan(
    first_name="Mia",
    actions=[
        Action(what="De bakker bellen", by_when=date(2026, 3, 6), picture="work_baking"),
        Action(what="Fietsen oefenen", kind="generiek"),
    ],
)


@pytest.fixture
async def setup(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Setup]:
    clock.now = local(2026, 3, 2, 10, 0)  # a Monday
    async with AsyncExitStack() as stack:
        yield Setup(tmp_path / "data", clock, stack)


@pytest.fixture
async def outbox(setup: Setup) -> Outbox:
    return await setup.open()


async def send_plan(
    outbox: Outbox, chat_id: int = 4242, plan: ActionPlan = PLAN, channel: str = "telegram"
) -> int:
    """The coach saves the plan of a participant and presses "send"; returns the plan's id."""
    services = outbox.services
    if channel == "telegram":
        who = await participant(services, chat_id)
    else:
        who = await services.repository.record_consent(channel, str(chat_id), given=True)
    sara = await coach(services)
    stored = await services.repository.plans.save(who.id, sara.id, plan.model_dump_json())
    await services.repository.plans.queue_for_participant(stored.id, who.id)
    return stored.id


def outbox_rows(outbox: Outbox) -> list[tuple[str, str | None, str | None]]:
    with sqlite3.connect(outbox.services.settings.data_dir / DATABASE_FILE) as db:
        return list(db.execute("SELECT kind, claimed_at, sent_at FROM outbox ORDER BY id"))


async def test_the_plan_goes_out_once_as_one_photo_with_the_plan_in_words(
    outbox: Outbox,
) -> None:
    await send_plan(outbox)
    assert await outbox.sender.send_due() == 1
    calls = outbox.request.take()
    assert [call.method for call in calls] == ["sendPhoto"]
    (photo,) = calls
    expected = plan_reply(PLAN)
    assert photo.params["chat_id"] == 4242 and photo.uploads
    assert photo.params["caption"] == expected.text
    assert "1. De bakker bellen – vrijdag 6 maart" in photo.params["caption"]
    assert "2. Fietsen oefenen – zonder datum" in photo.params["caption"]
    assert buttons(photo) == []
    # the photo is the plan card, and Telegram's file id is kept for it
    assert expected.image is not None
    card = render_image(outbox.services.renderer, expected.image)
    assert card.key.startswith("plan-")
    assert await outbox.services.repository.telegram_file_id(card.key) == "PHOTO-1"
    (row,) = outbox_rows(outbox)
    assert row[0] == "action_plan" and row[1] is not None and row[2] is not None
    assert await outbox.sender.send_due() == 0  # sent once
    assert outbox.request.take() == []


async def test_sent_again_later_goes_out_again_with_the_new_plan(outbox: Outbox) -> None:
    await send_plan(outbox)
    assert await outbox.sender.send_due() == 1
    outbox.request.take()
    more = PLAN.model_copy(update={"actions": [*PLAN.actions, Action(what="Cv maken")]})
    await send_plan(outbox, plan=more)
    assert await outbox.sender.send_due() == 1
    (photo,) = outbox.photos()
    assert "3. Cv maken – zonder datum" in photo.params["caption"]
    assert photo.uploads  # a new card, not the old one by its file id


@pytest.mark.parametrize(("hour", "minute", "sent"), [(23, 0, 0), (7, 59, 0), (8, 0, 1)])
async def test_a_plan_sent_at_22_waits_until_8(
    outbox: Outbox, clock: FakeClock, hour: int, minute: int, sent: int
) -> None:
    clock.now = local(2026, 3, 2, 22, 0)
    await send_plan(outbox)
    clock.now = local(2026, 3, 2 if hour > 12 else 3, hour, minute)
    assert await outbox.sender.send_due() == sent
    assert len(outbox.photos()) == sent


async def test_the_plan_of_a_web_participant_stays_for_her_page(outbox: Outbox) -> None:
    await send_plan(outbox, channel="web")
    assert await outbox.sender.send_due() == 0
    assert outbox.request.take() == []
    assert outbox_rows(outbox) == [("action_plan", None, None)]


async def test_plan_and_homework_go_out_together(outbox: Outbox) -> None:
    await give(outbox.services, 5353)
    await send_plan(outbox)
    assert await outbox.sender.send_due() == 2
    captions = [photo.params["caption"] for photo in outbox.photos()]
    assert any("Huiswerk" in text for text in captions)
    assert any(text.startswith("📝 Dit is jouw plan.") for text in captions)


async def test_a_plan_that_cannot_be_read_is_logged_and_the_others_still_go(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    plan_id = await send_plan(outbox)
    await give(outbox.services, 5353)
    with sqlite3.connect(outbox.services.settings.data_dir / DATABASE_FILE) as db:
        db.execute("UPDATE action_plans SET plan = '{\"actions\": 7}' WHERE id = ?", (plan_id,))
    with caplog.at_level(logging.INFO, logger="bot.telegram_outbox"):
        assert await outbox.sender.send_due() == 1
    assert [photo.params["chat_id"] for photo in outbox.photos()] == [5353]
    assert f"plan {plan_id} cannot be read" in caplog.text
    assert "(action_plan) has nothing to send" in caplog.text


async def test_a_message_with_nothing_to_send_is_logged(
    outbox: Outbox, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claimed message the sender has no reply for (an unknown kind, or homework that is
    gone) is never lost without a word in the log."""
    await send_plan(outbox)
    repository = outbox.services.repository.outbox
    claim_due = repository.claim_due

    async def without_plan(channel: str, limit: int = 20, **kwargs: Any) -> list[object]:
        claimed = await claim_due(channel, limit, **kwargs)
        return [replace(message, plan_id=None) for message in claimed]

    monkeypatch.setattr(repository, "claim_due", without_plan)
    with caplog.at_level(logging.WARNING, logger="bot.telegram_outbox"):
        assert await outbox.sender.send_due() == 0
    assert outbox.photos() == []
    assert "(action_plan) has nothing to send" in caplog.text


async def test_a_picture_gone_from_the_bank_is_logged_and_the_others_still_go(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    gone = PLAN.model_copy(update={"actions": [Action(what="Bellen", picture="bestaat_niet")]})
    await send_plan(outbox, plan=gone)
    await give(outbox.services, 5353)
    with caplog.at_level(logging.ERROR, logger="bot.telegram_outbox"):
        assert await outbox.sender.send_due() == 1
    assert [photo.params["chat_id"] for photo in outbox.photos()] == [5353]
    assert "(action_plan) not sent" in caplog.text
