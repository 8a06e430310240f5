"""All SQL about action plans (POPs): the plan of a participant, the finished ones, and the
next POP that follows an evaluated one (the older plans are kept, newest first)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.records import Clock, stored_time


@dataclass(frozen=True)
class StoredPlan:
    id: int
    participant_id: int
    coach_id: int
    plan_json: str
    created_at: str
    updated_at: str
    completed_at: str | None
    previous_plan_id: int | None = None
    """The plan this one follows (a next POP), or None for a first POP."""


class PlanRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> str:
        return stored_time(self._clock())

    async def current(self, participant_id: int) -> StoredPlan | None:
        """The participant's newest plan."""
        async with self._db.execute(
            "SELECT * FROM action_plans WHERE participant_id = ? ORDER BY id DESC LIMIT 1",
            (participant_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return _plan(row) if row else None

    async def save(self, participant_id: int, coach_id: int, plan_json: str) -> StoredPlan:
        """Write the plan over the participant's newest one, or start her first."""
        now = self._now()
        current = await self.current(participant_id)
        if current is None:
            cursor = await self._db.execute(
                "INSERT INTO action_plans"
                " (participant_id, coach_id, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (participant_id, coach_id, plan_json, now, now),
            )
            plan_id = cursor.lastrowid
        else:
            await self._db.execute(
                "UPDATE action_plans SET plan = ?, coach_id = ?, updated_at = ? WHERE id = ?",
                (plan_json, coach_id, now, current.id),
            )
            plan_id = current.id
        await self._db.commit()
        saved = await self.current(participant_id)
        assert saved is not None and saved.id == plan_id
        return saved

    async def start_next(
        self, previous_id: int, coach_id: int, plan_json: str
    ) -> StoredPlan | None:
        """A next POP after `previous_id`, only while that is still the participant's newest
        plan: the new plan, or None when the plan was already followed by one (a form sent
        twice) or is not there."""
        now = self._now()
        try:
            cursor = await self._db.execute(
                "INSERT INTO action_plans (participant_id, coach_id, plan, created_at,"
                " updated_at, previous_plan_id)"
                " SELECT participant_id, ?, ?, ?, ?, id FROM action_plans AS previous"
                " WHERE id = ? AND id = (SELECT MAX(id) FROM action_plans"
                " WHERE participant_id = previous.participant_id)",
                (coach_id, plan_json, now, now, previous_id),
            )
        except aiosqlite.IntegrityError:
            await self._db.rollback()
            return None
        await self._db.commit()
        if cursor.rowcount != 1 or cursor.lastrowid is None:
            return None
        return await self.get(cursor.lastrowid)

    async def history(self, participant_id: int) -> list[StoredPlan]:
        """All the participant's plans, the current one first."""
        async with self._db.execute(
            "SELECT * FROM action_plans WHERE participant_id = ? ORDER BY id DESC",
            (participant_id,),
        ) as cursor:
            return [_plan(row) async for row in cursor]

    async def complete(self, plan_id: int, done: bool) -> None:
        await self._db.execute(
            "UPDATE action_plans SET completed_at = ? WHERE id = ?",
            (self._now() if done else None, plan_id),
        )
        await self._db.commit()

    async def completed_between(self, coach_id: int, start: str, end: str) -> list[StoredPlan]:
        """The coach's plans completed from `start` up to (not including) `end` (UTC ISO)."""
        async with self._db.execute(
            "SELECT * FROM action_plans WHERE coach_id = ? AND completed_at >= ?"
            " AND completed_at < ? ORDER BY completed_at, id",
            (coach_id, start, end),
        ) as cursor:
            return [_plan(row) async for row in cursor]

    async def queue_for_participant(self, plan_id: int, participant_id: int) -> None:
        """Send the plan to the participant as soon as the outbox runs."""
        await self._db.execute(
            "INSERT INTO outbox (participant_id, kind, plan_id, send_after)"
            " VALUES (?, 'action_plan', ?, ?)",
            (participant_id, plan_id, self._now()),
        )
        await self._db.commit()

    async def latest_sent_plan(self, participant_id: int) -> StoredPlan | None:
        """The participant's newest plan that her coach sent her (queued in the outbox)."""
        async with self._db.execute(
            "SELECT * FROM action_plans WHERE participant_id = ? AND EXISTS"
            " (SELECT 1 FROM outbox WHERE outbox.kind = 'action_plan'"
            " AND outbox.plan_id = action_plans.id AND outbox.participant_id = ?)"
            " ORDER BY id DESC LIMIT 1",
            (participant_id, participant_id),
        ) as cursor:
            row = await cursor.fetchone()
        return _plan(row) if row else None

    async def get(self, plan_id: int) -> StoredPlan | None:
        async with self._db.execute(
            "SELECT * FROM action_plans WHERE id = ?", (plan_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _plan(row) if row else None


def _plan(row: aiosqlite.Row) -> StoredPlan:
    return StoredPlan(
        id=row["id"],
        participant_id=row["participant_id"],
        coach_id=row["coach_id"],
        plan_json=row["plan"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        completed_at=row["completed_at"],
        previous_plan_id=row["previous_plan_id"],
    )
