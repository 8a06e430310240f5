"""All SQL about the outbox: the messages the bot sends by itself, each claimed just before it
is sent and then marked sent, moved on to be tried again, or given up with the kind of failure.

A message is claimed by one atomic UPDATE, so two senders (or a sender after a restart) never
both get it; only the sender that knows Telegram did not receive it ever unclaims it.

Writes that find the database locked by another process are tried again (storage.locked).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeVar

import aiosqlite

from storage.locked import retry_locked, write_committed
from storage.records import Clock, stored_time

MessageKind = Literal[
    "homework",
    "homework_reminder",
    "action_plan",
    "mini_pop_check",  # did her small step work? (run_id: the mini-POP)
    "action_check_in",  # how is an action of her plan going? (plan_id, action_index)
    "aftercare",  # three months after the last contact: how are things?
]
FailureKind = Literal[
    "rate_limited",  # 429 Too Many Requests: tried again, not before Telegram's retry_after
    "server_error",  # the Bot API answered with a 5xx (or the token was refused): tried again
    "not_connected",  # no connection, so the request never left: tried again
    "temporary",  # a 400 that says to try again later: tried again
    "no_answer",  # the request went out but no answer came (timeout): maybe delivered
    "blocked",  # 403: she blocked the bot
    "rejected",  # any other answer of Telegram that refuses the message
    "error",  # a fault of POP-bot's own (e.g. a picture gone from the bank)
    "unknown",  # claimed and never finished (the process died, storage failed): maybe delivered
    "skipped",  # not sent on purpose: no consent, reminders off, nothing left to send
]
MessageState = Literal["waiting", "sending", "sent", "failed", "unknown"]
MAYBE_DELIVERED: frozenset[FailureKind] = frozenset({"no_answer", "unknown"})
T = TypeVar("T")


@dataclass(frozen=True)
class OutgoingMessage:
    id: int
    participant_id: int
    kind: MessageKind
    homework_id: int | None
    plan_id: int | None
    send_after: str
    """When it is due, UTC; after a failure that is tried again, when the next try is."""
    claimed_at: str | None
    sent_at: str | None
    attempts: int = 0
    """Tries that failed."""
    failure: FailureKind | None = None
    """The kind of the last failure, also while it waits for its next try."""
    failed_at: str | None = None
    """When the outbox gave it up."""
    run_id: int | None = None
    """The run it is about (a mini-POP for its check-in)."""
    action_index: int | None = None
    """The action of the plan it is about (0 is the first)."""

    @property
    def state(self) -> MessageState:
        """waiting (also for another try), sending (claimed), sent, failed (surely not
        delivered) or unknown (it may have arrived: never sent again)."""
        if self.sent_at is not None:
            return "sent"
        if self.failed_at is not None:
            return "unknown" if self.failure in MAYBE_DELIVERED else "failed"
        return "waiting" if self.claimed_at is None else "sending"


class OutboxRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def claim_due(
        self, channel: str, limit: int = 20, *, not_for: Collection[int] = ()
    ) -> list[OutgoingMessage]:
        """Messages due now for participants on this channel (not those of the participants
        `not_for`), oldest first, claimed so that no other sender, nor a restart, sends them
        again."""
        now = stored_time(self._clock())
        skip = ",".join("?" * len(not_for))

        async def claim() -> list[OutgoingMessage]:
            # One call, so the UPDATE is finished before another coroutine commits.
            rows = await self._db.execute_fetchall(
                "UPDATE outbox SET claimed_at = ? WHERE claimed_at IS NULL AND id IN ("
                " SELECT outbox.id FROM outbox JOIN participants"
                " ON participants.id = participant_id"
                " WHERE claimed_at IS NULL AND send_after <= ? AND participants.channel = ?"
                f" AND participant_id NOT IN ({skip}) ORDER BY send_after, outbox.id LIMIT ?)"
                " RETURNING *",
                (now, now, channel, *not_for, limit),
            )
            return [message_from_row(row) for row in rows]

        claimed = await self._retry_locked(claim)
        await self._db.commit()
        return sorted(claimed, key=lambda message: (message.send_after, message.id))

    async def schedule(
        self,
        participant_id: int,
        kind: MessageKind,
        send_after: datetime,
        *,
        run_id: int | None = None,
        plan_id: int | None = None,
        action_index: int | None = None,
    ) -> int:
        """A message to send by itself at or after `send_after`; returns its id."""
        cursor = await self._retry_locked(
            lambda: self._db.execute(
                "INSERT INTO outbox"
                " (participant_id, kind, send_after, run_id, plan_id, action_index)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (participant_id, kind, stored_time(send_after), run_id, plan_id, action_index),
            )
        )
        await self._db.commit()
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def of_run(self, run_id: int) -> list[OutgoingMessage]:
        """The messages about one run (e.g. the check-ins of a mini-POP), oldest first."""
        async with self._db.execute(
            "SELECT * FROM outbox WHERE run_id = ? ORDER BY id", (run_id,)
        ) as cursor:
            return [message_from_row(row) async for row in cursor]

    async def mark_sent(self, message_id: int) -> None:
        await self._write(
            "UPDATE outbox SET sent_at = ?, failed_at = NULL WHERE id = ?",
            (stored_time(self._clock()), message_id),
        )

    async def retry_later(self, message_id: int, at: datetime, failure: FailureKind) -> None:
        """Telegram surely did not get it: unclaimed, to be tried again at `at`."""
        await self._write(
            "UPDATE outbox SET claimed_at = NULL, send_after = ?, attempts = attempts + 1,"
            " failure = ?, failed_at = NULL WHERE id = ? AND sent_at IS NULL",
            (stored_time(at), failure, message_id),
        )

    async def give_up(self, message_id: int, failure: FailureKind, *, tried: bool = True) -> None:
        """Never sent again; `tried`: a try failed (not so when it was skipped)."""
        await self._write(
            "UPDATE outbox SET failed_at = ?, failure = ?, attempts = attempts + ?"
            " WHERE id = ? AND sent_at IS NULL",
            (stored_time(self._clock()), failure, int(tried), message_id),
        )

    async def release(self, message_id: int) -> None:
        """Claimed but surely not sent (the sender stopped first): waiting again."""
        await self._write(
            "UPDATE outbox SET claimed_at = NULL"
            " WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL",
            (message_id,),
        )

    async def mark_abandoned(self, older_than: timedelta) -> int:
        """Claims older than this without a result (the sender died while sending) become
        'unknown'; returns how many."""
        now = self._clock()
        cursor = await self._retry_locked(
            lambda: self._db.execute(
                "UPDATE outbox SET failed_at = ?, failure = 'unknown'"
                " WHERE claimed_at IS NOT NULL AND claimed_at < ?"
                " AND sent_at IS NULL AND failed_at IS NULL",
                (stored_time(now), stored_time(now - older_than)),
            )
        )
        await self._db.commit()
        return cursor.rowcount

    async def of_participant(self, participant_id: int) -> list[OutgoingMessage]:
        async with self._db.execute(
            "SELECT * FROM outbox WHERE participant_id = ? ORDER BY id", (participant_id,)
        ) as cursor:
            return [message_from_row(row) async for row in cursor]

    async def states(self) -> dict[MessageState, int]:
        """How many messages are in each state (for a benchmark or a health check)."""
        counts: dict[MessageState, int] = {}
        async with self._db.execute("SELECT * FROM outbox") as cursor:
            async for row in cursor:
                state = message_from_row(row).state
                counts[state] = counts.get(state, 0) + 1
        return counts

    async def _write(self, sql: str, parameters: tuple[object, ...]) -> None:
        await write_committed(self._db, sql, parameters)

    async def _retry_locked(self, write: Callable[[], Awaitable[T]]) -> T:
        return await retry_locked(self._db, write)


def message_from_row(row: aiosqlite.Row) -> OutgoingMessage:
    return OutgoingMessage(
        id=row["id"],
        participant_id=row["participant_id"],
        kind=row["kind"],
        homework_id=row["homework_id"],
        plan_id=row["plan_id"],
        send_after=row["send_after"],
        claimed_at=row["claimed_at"],
        sent_at=row["sent_at"],
        attempts=row["attempts"],
        failure=row["failure"],
        failed_at=row["failed_at"],
        run_id=row["run_id"],
        action_index=row["action_index"],
    )
