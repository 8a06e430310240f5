"""All SQL about aftercare: who is due for the question three months after the last contact,
and the coach's switch that turns it off for one participant."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.records import Clock, stored_time


class AftercareRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def due(self, last_seen_before: datetime) -> list[int]:
        """Participants who agreed, have a coach, have aftercare on, were last seen before
        this moment and were not asked since: their ids."""
        async with self._db.execute(
            "SELECT id FROM participants AS p WHERE consent = 'given'"
            " AND coach_id IS NOT NULL AND aftercare_off_at IS NULL AND last_seen_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.participant_id = p.id"
            " AND outbox.kind = 'aftercare' AND outbox.send_after >= p.last_seen_at)"
            " ORDER BY id",
            (stored_time(last_seen_before),),
        ) as cursor:
            return [row["id"] async for row in cursor]

    async def set_off(self, participant_id: int, off: bool) -> None:
        """Her coach switches aftercare off (or on again)."""
        await self._db.execute(
            "UPDATE participants SET aftercare_off_at = ? WHERE id = ?",
            (stored_time(self._clock()) if off else None, participant_id),
        )
        await self._db.commit()
