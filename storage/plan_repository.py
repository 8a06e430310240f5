"""All SQL about action plans (POPs): the plan of a participant, and the finished ones."""

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
    )
