"""All SQL about the check-ins on the actions of a plan: planning them in the outbox (kind
'action_check_in'), her answers, and the alert a 🆘 answer sends her coach in Telegram.

An answer and its alert are one row, written by one statement: there is never an answer
whose alert got lost, nor an alert without its answer. An alert is claimed by one atomic
UPDATE just before it is sent, so that no second sender, nor a restart, sends it again.
`alert_waiting` is set after an alert is stored, so that a sender in this process can send
it at once instead of at its next round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeVar

import aiosqlite

from storage.locked import retry_locked, write_committed
from storage.outbox_repository import (
    MAYBE_DELIVERED,
    FailureKind,
    MessageState,
    OutgoingMessage,
    message_from_row,
)
from storage.records import Clock, stored_time

CheckInAnswer = Literal["gelukt", "een_beetje", "nog_niet", "hulp"]
CHECK_IN_KIND = "action_check_in"
T = TypeVar("T")


@dataclass(frozen=True)
class CoachToTell:
    """Whom a 🆘 answer goes to in Telegram, and the portal page it points to."""

    coach_id: int
    link: str


@dataclass(frozen=True)
class StoredCheckIn:
    id: int
    participant_id: int
    plan_id: int
    action_index: int
    outbox_id: int
    """The check-in message she answered."""
    answer: CheckInAnswer
    answered_at: str
    alert_coach_id: int | None = None
    """For a 🆘: the coach told in Telegram; None when there was nobody to tell there."""
    alert_link: str | None = None
    alert_send_after: str | None = None
    alert_claimed_at: str | None = None
    alert_sent_at: str | None = None
    alert_attempts: int = 0
    alert_failure: FailureKind | None = None
    alert_failed_at: str | None = None

    @property
    def alert_state(self) -> MessageState | None:
        """What became of the alert to the coach, as for an outbox message; None: no alert."""
        if self.alert_coach_id is None:
            return None
        if self.alert_sent_at is not None:
            return "sent"
        if self.alert_failed_at is not None:
            return "unknown" if self.alert_failure in MAYBE_DELIVERED else "failed"
        return "waiting" if self.alert_claimed_at is None else "sending"


class CheckInRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.alert_waiting = asyncio.Event()
        """Set when an alert to a coach was stored; a sender waits for it."""

    def _now(self) -> str:
        return stored_time(self._clock())

    # ----- planning ------------------------------------------------------------------------

    async def replace_pending(
        self, participant_id: int, plan_id: int, moments: Sequence[tuple[int, datetime]]
    ) -> None:
        """Plan the check-ins of a plan at these moments (action index, when), in place of
        those of the plan not due yet; those due or asked already stay."""
        now = self._now()

        async def write() -> None:
            await self._db.execute(
                "DELETE FROM outbox WHERE kind = ? AND plan_id = ? AND participant_id = ?"
                " AND claimed_at IS NULL AND sent_at IS NULL AND failed_at IS NULL"
                " AND send_after > ?"
                " AND id NOT IN (SELECT outbox_id FROM action_check_ins WHERE plan_id = ?)",
                (CHECK_IN_KIND, plan_id, participant_id, now, plan_id),
            )
            await self._db.executemany(
                "INSERT INTO outbox (participant_id, kind, send_after, plan_id, action_index)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (participant_id, CHECK_IN_KIND, stored_time(at), plan_id, index)
                    for index, at in moments
                ],
            )

        try:
            await self._retry_locked(write)
        except BaseException:
            await self._db.rollback()
            raise
        await self._db.commit()

    async def planned(self, plan_id: int) -> list[OutgoingMessage]:
        """The check-in messages of a plan, the earliest first."""
        async with self._db.execute(
            "SELECT * FROM outbox WHERE kind = ? AND plan_id = ? ORDER BY send_after, id",
            (CHECK_IN_KIND, plan_id),
        ) as cursor:
            return [message_from_row(row) async for row in cursor]

    # ----- her answers ---------------------------------------------------------------------

    async def record(
        self,
        message: OutgoingMessage,
        answer: CheckInAnswer,
        tell: CoachToTell | None = None,
    ) -> StoredCheckIn | None:
        """Keep her answer to this check-in message (with the alert to `tell`, for a 🆘);
        None when the message was answered before."""
        if message.plan_id is None or message.action_index is None:
            raise ValueError("a check-in message names its plan and action")
        if tell is not None and answer != "hulp":
            raise ValueError("only a call for help goes to the coach")
        now = self._now()
        rows = await self._retry_locked(
            lambda: self._db.execute_fetchall(
                "INSERT INTO action_check_ins (participant_id, plan_id, action_index, outbox_id,"
                " answer, answered_at, alert_coach_id, alert_link, alert_send_after)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (outbox_id) DO NOTHING RETURNING *",
                (
                    message.participant_id,
                    message.plan_id,
                    message.action_index,
                    message.id,
                    answer,
                    now,
                    tell.coach_id if tell else None,
                    tell.link if tell else None,
                    now if tell else None,
                ),
            )
        )
        await self._db.commit()
        if not rows:
            return None
        stored = _check_in(next(iter(rows)))
        if stored.alert_coach_id is not None:
            self.alert_waiting.set()
        return stored

    async def of_plan(self, plan_id: int) -> list[StoredCheckIn]:
        """Her answers about the actions of a plan, the oldest first."""
        async with self._db.execute(
            "SELECT * FROM action_check_ins WHERE plan_id = ? ORDER BY answered_at, id",
            (plan_id,),
        ) as cursor:
            return [_check_in(row) async for row in cursor]

    async def answered(self, participant_id: int) -> set[int]:
        """The check-in messages she answered (their outbox ids)."""
        async with self._db.execute(
            "SELECT outbox_id FROM action_check_ins WHERE participant_id = ?", (participant_id,)
        ) as cursor:
            return {row["outbox_id"] async for row in cursor}

    # ----- alerts to the coach -------------------------------------------------------------

    async def claim_alerts(self, limit: int = 20) -> list[StoredCheckIn]:
        """Alerts due now, oldest first, claimed so that nobody sends them again."""
        now = self._now()
        rows = await self._retry_locked(
            lambda: self._db.execute_fetchall(
                "UPDATE action_check_ins SET alert_claimed_at = ?"
                " WHERE alert_claimed_at IS NULL AND id IN ("
                " SELECT id FROM action_check_ins WHERE alert_coach_id IS NOT NULL"
                " AND alert_claimed_at IS NULL AND alert_sent_at IS NULL"
                " AND alert_failed_at IS NULL AND alert_send_after <= ?"
                " ORDER BY alert_send_after, id LIMIT ?) RETURNING *",
                (now, now, limit),
            )
        )
        await self._db.commit()
        return sorted(
            (_check_in(row) for row in rows), key=lambda c: (c.alert_send_after or "", c.id)
        )

    async def alert_sent(self, check_in_id: int) -> None:
        await self._write(
            "UPDATE action_check_ins SET alert_sent_at = ?, alert_failed_at = NULL WHERE id = ?",
            (self._now(), check_in_id),
        )

    async def alert_retry_later(self, check_in_id: int, at: datetime, failure: FailureKind) -> None:
        """Telegram surely did not get it: unclaimed, to be tried again at `at`."""
        await self._write(
            "UPDATE action_check_ins SET alert_claimed_at = NULL, alert_send_after = ?,"
            " alert_attempts = alert_attempts + 1, alert_failure = ?"
            " WHERE id = ? AND alert_sent_at IS NULL",
            (stored_time(at), failure, check_in_id),
        )

    async def alert_given_up(
        self, check_in_id: int, failure: FailureKind, *, tried: bool = True
    ) -> None:
        """Never sent again; `tried`: a try failed (not so when it was skipped)."""
        await self._write(
            "UPDATE action_check_ins SET alert_failed_at = ?, alert_failure = ?,"
            " alert_attempts = alert_attempts + ? WHERE id = ? AND alert_sent_at IS NULL",
            (self._now(), failure, int(tried), check_in_id),
        )

    async def alert_release(self, check_in_id: int) -> None:
        """Claimed but surely not sent (the sender stopped first): waiting again."""
        await self._write(
            "UPDATE action_check_ins SET alert_claimed_at = NULL"
            " WHERE id = ? AND alert_sent_at IS NULL AND alert_failed_at IS NULL",
            (check_in_id,),
        )

    async def mark_abandoned_alerts(self, older_than: timedelta) -> int:
        """Claims older than this without a result (the sender died while sending) become
        'unknown': maybe delivered, never sent again. Returns how many."""
        now = self._clock()
        cursor = await self._retry_locked(
            lambda: self._db.execute(
                "UPDATE action_check_ins SET alert_failed_at = ?, alert_failure = 'unknown'"
                " WHERE alert_claimed_at IS NOT NULL AND alert_claimed_at < ?"
                " AND alert_sent_at IS NULL AND alert_failed_at IS NULL",
                (stored_time(now), stored_time(now - older_than)),
            )
        )
        await self._db.commit()
        return cursor.rowcount

    async def _write(self, sql: str, parameters: tuple[object, ...]) -> None:
        await write_committed(self._db, sql, parameters)

    async def _retry_locked(self, write: Callable[[], Awaitable[T]]) -> T:
        return await retry_locked(self._db, write)


def _check_in(row: aiosqlite.Row) -> StoredCheckIn:
    return StoredCheckIn(
        id=row["id"],
        participant_id=row["participant_id"],
        plan_id=row["plan_id"],
        action_index=row["action_index"],
        outbox_id=row["outbox_id"],
        answer=row["answer"],
        answered_at=row["answered_at"],
        alert_coach_id=row["alert_coach_id"],
        alert_link=row["alert_link"],
        alert_send_after=row["alert_send_after"],
        alert_claimed_at=row["alert_claimed_at"],
        alert_sent_at=row["alert_sent_at"],
        alert_attempts=row["alert_attempts"],
        alert_failure=row["alert_failure"],
        alert_failed_at=row["alert_failed_at"],
    )
