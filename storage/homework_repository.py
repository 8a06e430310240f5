"""All SQL about homework: what a coach gave, and its messages put in the outbox (the outbox
itself, claiming and sending, is storage.outbox_repository)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from storage.outbox_repository import MessageKind as MessageKind
from storage.outbox_repository import OutgoingMessage as OutgoingMessage
from storage.outbox_repository import message_from_row
from storage.records import Clock, stored_time


@dataclass(frozen=True)
class Homework:
    id: int
    participant_id: int
    coach_id: int
    flow_id: str
    due_date: date
    created_at: str


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
            "SELECT * FROM outbox WHERE homework_id = ? ORDER BY id", (homework_id,)
        ) as cursor:
            return [message_from_row(row) async for row in cursor]


def _homework(row: aiosqlite.Row) -> Homework:
    return Homework(
        id=row["id"],
        participant_id=row["participant_id"],
        coach_id=row["coach_id"],
        flow_id=row["flow_id"],
        due_date=date.fromisoformat(row["due_date"]),
        created_at=row["created_at"],
    )
