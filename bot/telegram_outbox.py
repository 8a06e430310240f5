"""Sending the messages the bot sends by itself (homework, reminders, an action plan) on
Telegram: each one at most once, tried again only when Telegram surely did not get it, never
between 21:00 and 08:00 in Brussels, and never faster than Telegram allows.

What becomes of a message in the outbox (storage.outbox_repository, `OutgoingMessage.state`):

- **waiting** until its send_after. A sender then *claims* it, one atomic UPDATE just before
  sending it, so that no other sender, nor this one after a restart or a crash, sends it again.
- **sent** once Telegram answered that it has it.
- **waiting again** when the try failed in a way that proves Telegram did not deliver it:
  429 Too Many Requests (not before the retry_after Telegram gave), an answer with a 5xx
  status, a 400 that says to try again later, or no connection (refused, timed out while
  connecting, or none free before the request left). The next try comes 1, 5 and then 30
  minutes later (RETRY_AFTER), never at night: one that would fall between 21:00 and 08:00
  waits for 08:00. After the fourth failed try it is given up.
- **failed** (the portal's "niet verstuurd") when Telegram refused it (she blocked the bot, a
  400 such as "chat not found"), when POP-bot itself could not make it (a picture gone from
  the bank), when the tries ran out, or when it was skipped on purpose (no consent any more,
  she asked for no reminders, what it was about is gone).
- **unknown** when it may have arrived all the same: the request went out but no answer came
  (a read timeout, a connection cut off, a gateway timeout), or the claim never got a result
  because the process died between claiming and hearing back (such a claim is marked unknown
  after ABANDONED_AFTER). These are *never* sent again. Telegram cannot say whether it has a
  message, so the choice is between maybe none and maybe two; for a vulnerable participant at
  most once beats twice: the same reminder twice reads as a mistake or as pressure, while a
  missing one her coach sees in the portal and can make up for.

Quiet hours are checked just before each message is claimed: nothing is claimed from 21:00 to
08:00, and one claimed at 20:59:59 arrives a moment later.

Telegram's limits: at most PER_SECOND messages start a second (a bot may send about 30 a
second; PTB's AIORateLimiter on the same bot keeps the outbox and the conversations together
under that, and the outbox leaves the conversations room), CONCURRENCY at a time so that a
slow network does not slow the outbox, and never two at once to one participant (one message
a second per chat), so hers also arrive in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import httpx
from pydantic import ValidationError
from telegram import Bot, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.action_check_ins import ActionCheckIns
from bot.action_plan import ActionPlan
from bot.aftercare import Aftercare
from bot.homework import HomeworkService, allowed_moment
from bot.plan_message import plan_reply
from bot.small_steps import SmallSteps
from bot.telegram_channel import CHANNEL, TelegramChannel
from flows.conversation_types import Reply
from storage.check_in_repository import StoredCheckIn
from storage.outbox_repository import FailureKind, OutgoingMessage
from storage.records import stored_time
from storage.repository import Participant, Repository

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 30.0
PER_SECOND = 20.0
CONCURRENCY = 8
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
"""How long after a failed try the next one comes; after the last, the message is given up."""
ABANDONED_AFTER = timedelta(minutes=15)
"""A claim this old without a result: the sender died while sending; marked unknown."""
TRIED_AGAIN: frozenset[FailureKind] = frozenset(
    {"rate_limited", "server_error", "not_connected", "temporary"}
)
TEMPORARY_BAD_REQUESTS = ("try again", "internal server error")
"""Words of a 400 description saying Telegram did nothing but may well do it later."""
_NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, ConnectionRefusedError)


def next_try(failure: FailureKind, wait: timedelta, tries: int, claimed: str) -> datetime | None:
    """When to try again after `tries` failed tries (the last claimed at `claimed`): only when
    Telegram surely did not get it and tries are left, and not before it asked (`wait`)."""
    if failure not in TRIED_AGAIN or tries > len(RETRY_AFTER):
        return None
    return datetime.fromisoformat(claimed) + max(RETRY_AFTER[tries - 1], wait)


def failure_of(error: Exception) -> tuple[FailureKind, timedelta]:
    """The kind of failure a try ended in, and how long Telegram asked to wait."""
    none = timedelta(0)
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return "rate_limited", wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
    if isinstance(error, Forbidden):
        return "blocked", none
    if isinstance(error, BadRequest):
        temporary = any(words in error.message.lower() for words in TEMPORARY_BAD_REQUESTS)
        return ("temporary" if temporary else "rejected"), none
    if isinstance(error, NetworkError):  # TimedOut too
        cause = error.__cause__
        if isinstance(cause, _NEVER_LEFT):
            return "not_connected", none
        answered = not isinstance(error, TimedOut) and (
            cause is None or isinstance(cause, TelegramError)  # an HTTP error status came back
        )
        if answered and "gateway timeout" not in error.message.lower():
            return "server_error", none
        return "no_answer", none  # it went out and no answer came: maybe it arrived
    if isinstance(error, InvalidToken):
        return "server_error", none
    if isinstance(error, TelegramError):
        return "rejected", none
    if isinstance(error, sqlite3.Error):  # e.g. keeping the photo's file id, after it went
        return "unknown", none
    return "error", none


class Pace:
    """Lets at most `per_second` sends start a second, one after the other (None: no limit)."""

    def __init__(
        self,
        per_second: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._gap = 1 / per_second if per_second else 0.0
        self._clock, self._sleep = clock, sleep
        self._next = -math.inf
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._gap:
            return
        async with self._lock:
            now = self._clock()
            if now < self._next:
                await self._sleep(self._next - now)
                now = self._clock()
            self._next = now + self._gap


@dataclass
class _Run:
    """One pass over the outbox: its workers and what they share."""

    group: asyncio.TaskGroup
    workers: int = 1
    busy: set[int] = field(default_factory=set)
    """Participants with a message on its way: never two at once to one chat."""
    sent: int = 0


class OutboxSender:
    def __init__(
        self,
        repository: Repository,
        homework: HomeworkService,
        channel: TelegramChannel,
        bot: Bot,
        *,
        concurrency: int = CONCURRENCY,
        pace: Pace | None = None,
        small_steps: SmallSteps | None = None,
        action_check_ins: ActionCheckIns | None = None,
        aftercare: Aftercare | None = None,
    ) -> None:
        self._repository = repository
        self._homework = homework
        self._small_steps = small_steps
        self._aftercare = aftercare
        self._aftercare_looked: date | None = None
        """The day the outbox last looked for participants due for aftercare: once a day."""
        self._check_ins = action_check_ins or ActionCheckIns(repository)
        self._channel = channel
        self._bot = bot
        self._concurrency = concurrency
        self._pace = pace or Pace(PER_SECOND)

    async def send_due(self) -> int:
        """Send every message that is due now; returns how many went out."""
        if self._homework.quiet_now():  # what fell due before 21:00 waits for the morning
            return 0
        today = self._homework.today()
        if self._aftercare is not None and self._aftercare_looked != today:
            await self._aftercare.plan_due()
            self._aftercare_looked = today
        abandoned = await self._repository.outbox.mark_abandoned(ABANDONED_AFTER)
        if abandoned:
            log.warning("%d outbox messages were claimed and never finished: unknown", abandoned)
        async with asyncio.TaskGroup() as group:
            run = _Run(group)
            group.create_task(self._work(run))
        return run.sent

    async def _work(self, run: _Run) -> None:
        """Claim and send one message after the other until none is due or it is night;
        each claim starts one more worker, up to CONCURRENCY."""
        while True:
            await self._pace.wait()
            if self._homework.quiet_now():
                return
            claimed = await self._repository.outbox.claim_due(CHANNEL, 1, not_for=run.busy)
            if not claimed:
                return
            if run.workers < self._concurrency:
                run.workers += 1
                run.group.create_task(self._work(run))
            (message,) = claimed
            run.busy.add(message.participant_id)
            try:
                went = await self._send(message)
                run.sent += went  # not `+= await`: that would read `sent` before the wait
            finally:
                run.busy.discard(message.participant_id)

    async def _send(self, message: OutgoingMessage) -> int:
        """Send one claimed message and keep what became of it; 1 when it went out."""
        outbox = self._repository.outbox
        try:
            ready = await self._prepare(message)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await outbox.release(message.id)  # it never left: waiting again
            raise
        except Exception as error:
            await self._failed(message, error)
            return 0
        if ready is None:
            return 0
        chat_id, reply = ready
        try:
            await self._channel.send(self._bot, chat_id, reply)
        except asyncio.CancelledError:  # stopped while sending: it may have arrived
            with contextlib.suppress(Exception):
                await outbox.give_up(message.id, "unknown")
            raise
        except Exception as error:
            await self._failed(message, error)
            return 0
        await outbox.mark_sent(message.id)
        return 1

    async def _prepare(self, message: OutgoingMessage) -> tuple[int, Reply] | None:
        """Whom to send it to and what it says; None when it is not to be sent after all."""
        participant = await self._repository.participant_by_id(message.participant_id)
        level, why = logging.INFO, ""
        if participant is None or not participant.consent_given:
            why = "not sent: no participant who agreed"
        elif message.kind == "homework_reminder" and participant.reminders_off_at:
            why = "not sent: she asked for no reminders"
        elif (reply := await self._reply(message, participant)) is None:
            level, why = logging.WARNING, "has nothing to send"
        else:
            return int(participant.external_id), reply
        log.log(level, "outbox message %s (%s) %s", message.id, message.kind, why)
        await self._repository.outbox.give_up(message.id, "skipped", tried=False)
        return None

    async def _failed(self, message: OutgoingMessage, error: Exception) -> None:
        """Try it again later when Telegram surely did not get it; otherwise give it up."""
        failure, wait = failure_of(error)
        what = f"outbox message {message.id} ({message.kind})"
        tries = message.attempts + 1
        again = next_try(failure, wait, tries, message.claimed_at or message.send_after)
        if again is not None:
            at = allowed_moment(again)
            await self._repository.outbox.retry_later(message.id, at, failure)
            log.warning(
                "%s: try %d failed (%s, %s); next try %s",
                *(what, tries, failure, type(error).__name__, stored_time(at)),
            )
            return
        await self._repository.outbox.give_up(message.id, failure)
        if failure == "error":
            _log_error(f"{what} not sent", error)
        else:
            log.warning(
                "%s not sent: %s (%s) after %d tries", what, failure, type(error).__name__, tries
            )

    async def _reply(self, message: OutgoingMessage, participant: Participant) -> Reply | None:
        """What the message says, or None when what it is about is gone or unreadable."""
        if message.kind == "mini_pop_check":
            if self._small_steps is None or message.run_id is None:
                return None
            return await self._small_steps.check_message(participant, message.run_id)
        if message.kind == "aftercare":
            if self._aftercare is None:
                return None
            return await self._aftercare.message(participant, message.id)
        if message.kind == "action_check_in":
            return await self._check_ins.message(participant, message)
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
        """Check the outbox until cancelled; an alert to a coach goes out as soon as it is
        stored (and at every check, so that one stored before a crash goes out too)."""
        alerts = asyncio.create_task(self._alert_loop(every))
        try:
            while True:
                try:
                    await self.send_due()
                except Exception as error:
                    _log_error("the outbox check failed; trying again later", error)
                await asyncio.sleep(every)
        finally:
            alerts.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await alerts

    # ----- alerts to coaches: her 🆘 on a check-in -------------------------------------------

    async def send_alerts(self) -> int:
        """Tell coaches in Telegram who asks for help: each alert claimed just before it is
        sent, so none goes twice; at night without a sound. Returns how many went out."""
        check_ins = self._repository.check_ins
        abandoned = await check_ins.mark_abandoned_alerts(ABANDONED_AFTER)
        if abandoned:
            log.warning("%d coach alerts were claimed and never finished: unknown", abandoned)
        sent = 0
        while claimed := await check_ins.claim_alerts():
            for alert in claimed:
                sent += await self._send_alert(alert)
        return sent

    async def _send_alert(self, alert: StoredCheckIn) -> int:
        check_ins = self._repository.check_ins
        try:
            ready = await self._check_ins.coach_alert(alert)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await check_ins.alert_release(alert.id)  # it never left: waiting again
            raise
        except Exception as error:
            await self._alert_failed(alert, error)
            return 0
        if ready is None:
            log.info("coach alert %s not sent: nobody to tell in Telegram", alert.id)
            await check_ins.alert_given_up(alert.id, "skipped", tried=False)
            return 0
        chat_id, text = ready
        try:
            await self._bot.send_message(
                chat_id,
                text,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                disable_notification=self._homework.quiet_now(),
            )
        except asyncio.CancelledError:  # stopped while sending: it may have arrived
            with contextlib.suppress(Exception):
                await check_ins.alert_given_up(alert.id, "unknown")
            raise
        except Exception as error:
            await self._alert_failed(alert, error)
            return 0
        await check_ins.alert_sent(alert.id)
        return 1

    async def _alert_failed(self, alert: StoredCheckIn, error: Exception) -> None:
        """As for a message: again later when Telegram surely did not get it, else given up.
        Only the kind of failure is logged: the error may quote what the alert says."""
        failure, wait = failure_of(error)
        tries = alert.alert_attempts + 1
        check_ins = self._repository.check_ins
        again = next_try(failure, wait, tries, alert.alert_claimed_at or alert.answered_at)
        if again is not None:  # at night too: the coach is told without a sound
            await check_ins.alert_retry_later(alert.id, again, failure)
        else:
            await check_ins.alert_given_up(alert.id, failure)
        log.warning(
            "coach alert %s: try %d failed (%s, %s)", alert.id, tries, failure, type(error).__name__
        )

    async def _alert_loop(self, every: float) -> None:
        """Send the alerts when one is stored, and at least every `every` seconds."""
        waiting = self._repository.check_ins.alert_waiting
        while True:
            waiting.clear()
            try:
                await self.send_alerts()
            except Exception as error:
                _log_error("sending alerts to coaches failed; trying again later", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiting.wait(), every)


def _log_error(what: str, error: Exception) -> None:
    """An error by its type and where it happened, never its text: that may quote what a
    participant said or what a message says."""
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error("%s: %s\n%s", what, type(error).__name__, where)
