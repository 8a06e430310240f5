"""Sending the messages the bot sends by itself (homework, reminders, an action plan) on
Telegram.

Each message is claimed in the database before it is sent, so a restart or a second sender
never sends it twice; one that failed after its claim is logged, not retried.
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import ValidationError
from telegram import Bot
from telegram.error import Forbidden, TelegramError

from bot.action_plan import ActionPlan
from bot.homework import HomeworkService
from bot.plan_message import plan_reply
from bot.telegram_channel import CHANNEL, TelegramChannel
from flows.conversation_types import Reply
from storage.homework_repository import OutgoingMessage
from storage.repository import Repository

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 30.0


class OutboxSender:
    def __init__(
        self,
        repository: Repository,
        homework: HomeworkService,
        channel: TelegramChannel,
        bot: Bot,
    ) -> None:
        self._repository = repository
        self._homework = homework
        self._channel = channel
        self._bot = bot

    async def send_due(self) -> int:
        """Send every message that is due now; returns how many went out."""
        sent = 0
        if self._homework.quiet_now():  # what fell due before 21:00 waits for the morning
            return sent
        while due := await self._repository.homework.claim_due(CHANNEL):
            for message in due:
                participant = await self._repository.participant_by_id(message.participant_id)
                if participant is None or not participant.consent_given:
                    log.info("outbox message %s: no participant who agreed", message.id)
                    continue
                if message.kind == "homework_reminder" and participant.reminders_off_at:
                    log.info("outbox message %s: she asked for no reminders", message.id)
                    continue
                reply = await self._reply(message)
                if reply is None:
                    log.warning(
                        "outbox message %s (%s) has nothing to send", message.id, message.kind
                    )
                    continue
                try:
                    await self._channel.send(self._bot, int(participant.external_id), reply)
                except Forbidden:
                    log.info("outbox message %s: the participant blocked the bot", message.id)
                    continue
                except TelegramError as error:
                    log.warning("outbox message %s not sent: %s", message.id, error.message)
                    continue
                except Exception:  # e.g. a picture gone from the bank: the others still go
                    log.exception("outbox message %s (%s) not sent", message.id, message.kind)
                    continue
                await self._repository.homework.mark_sent(message.id)
                sent += 1
        return sent

    async def _reply(self, message: OutgoingMessage) -> Reply | None:
        """What the message says, or None when what it is about is gone or unreadable."""
        if message.kind == "action_plan":
            stored = (
                await self._repository.plans.get(message.plan_id)
                if message.plan_id is not None
                else None
            )
            if stored is None:
                return None
            try:
                return plan_reply(ActionPlan.model_validate_json(stored.plan_json))
            except ValidationError as error:
                # Not the error's text: it quotes the plan, which is personal.
                log.error(
                    "outbox message %s: plan %s cannot be read (%d problems)",
                    message.id,
                    stored.id,
                    error.error_count(),
                )
                return None
        return await self._homework.message(message)

    async def run(self, every: float = CHECK_EVERY_SECONDS) -> None:
        """Check the outbox until cancelled."""
        while True:
            try:
                await self.send_due()
            except Exception:
                log.exception("the outbox check failed; trying again later")
            await asyncio.sleep(every)
