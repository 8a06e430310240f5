"""All SQL about homework and the outbox of messages the bot sends by itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import aiosqlite

from storage.records import Clock, stored_time

MessageKind = Literal["homework", "homework_reminder", "action_plan"]


@dataclass(frozen=True)
class Homework:
    id: int
    participant_id: int
    coach_id: int
    flow_id: str
    due_date: date
    created_at: str


@dataclass(frozen=True)
class OutgoingMessage:
    id: int
    participant_id: int
    kind: MessageKind
    homework_id: int | None
    plan_id: int | None
    send_after: str
    claimed_at: str | None
    sent_at: str | None


class HomeworkRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def assign(
        self,
        participant_id: int,
        coach_id: int,
        flow_id: str,
        due: date,
        messages: list[tuple[MessageKind, datetime]],
    ) -> Homework:
        """Store the homework and its messages in one transaction."""
        now = stored_time(self._clock())
        try:
            cursor = await self._db.execute(
                "INSERT INTO homework (participant_id, coach_id, flow_id, due_date, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (participant_id, coach_id, flow_id, due.isoformat(), now),
            )
            homework_id = cursor.lastrowid
            await self._db.executemany(
                "INSERT INTO outbox (participant_id, kind, homework_id, send_after)"
                " VALUES (?, ?, ?, ?)",
                [(participant_id, kind, homework_id, stored_time(at)) for kind, at in messages],
            )
        except BaseException:
            await self._db.rollback()
            raise
        await self._db.commit()
        assert homework_id is not None
        return Homework(homework_id, participant_id, coach_id, flow_id, due, now)

    async def add_message(
        self, participant_id: int, kind: MessageKind, homework_id: int, send_after: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO outbox (participant_id, kind, homework_id, send_after)"
            " VALUES (?, ?, ?, ?)",
            (participant_id, kind, homework_id, stored_time(send_after)),
        )
        await self._db.commit()

    async def set_reminders_off(self, participant_id: int, off: bool) -> None:
        await self._db.execute(
            "UPDATE participants SET reminders_off_at = ? WHERE id = ?",
            (stored_time(self._clock()) if off else None, participant_id),
        )
        await self._db.commit()

    async def of_participant(self, participant_id: int) -> list[Homework]:
        async with self._db.execute(
            "SELECT * FROM homework WHERE participant_id = ? ORDER BY due_date, id",
            (participant_id,),
        ) as cursor:
            return [_homework(row) async for row in cursor]

    async def get(self, homework_id: int) -> Homework | None:
        async with self._db.execute(
            "SELECT * FROM homework WHERE id = ?", (homework_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _homework(row) if row else None

    async def messages(self, homework_id: int) -> list[OutgoingMessage]:
        async with self._db.execute(
            "SELECT * FROM outbox WHERE homework_id = ? ORDER BY send_after, id", (homework_id,)
        ) as cursor:
            return [_message(row) async for row in cursor]

    async def claim_due(self, channel: str, limit: int = 20) -> list[OutgoingMessage]:
        """Messages due now for participants on this channel, claimed so that no other
        sender (or a restart) sends them again."""
        now = stored_time(self._clock())
        async with self._db.execute(
            "SELECT outbox.* FROM outbox JOIN participants ON participants.id = participant_id"
            " WHERE claimed_at IS NULL AND send_after <= ? AND participants.channel = ?"
            " ORDER BY send_after, outbox.id LIMIT ?",
            (now, channel, limit),
        ) as cursor:
            due = [_message(row) async for row in cursor]
        claimed = []
        for message in due:
            update = await self._db.execute(
                "UPDATE outbox SET claimed_at = ? WHERE id = ? AND claimed_at IS NULL",
                (now, message.id),
            )
            if update.rowcount == 1:
                claimed.append(message)
        await self._db.commit()
        return claimed

    async def mark_sent(self, message_id: int) -> None:
        await self._db.execute(
            "UPDATE outbox SET sent_at = ? WHERE id = ?", (stored_time(self._clock()), message_id)
        )
        await self._db.commit()


def _homework(row: aiosqlite.Row) -> Homework:
    return Homework(
        id=row["id"],
        participant_id=row["participant_id"],
        coach_id=row["coach_id"],
        flow_id=row["flow_id"],
        due_date=date.fromisoformat(row["due_date"]),
        created_at=row["created_at"],
    )


def _message(row: aiosqlite.Row) -> OutgoingMessage:
    return OutgoingMessage(
        id=row["id"],
        participant_id=row["participant_id"],
        kind=row["kind"],
        homework_id=row["homework_id"],
        plan_id=row["plan_id"],
        send_after=row["send_after"],
        claimed_at=row["claimed_at"],
        sent_at=row["sent_at"],
    )
