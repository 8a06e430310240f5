"""All SQL about coaches: who they are, who joined them, and their one-time sign-in links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from storage.records import Clock, Participant, participant_from_row, stored_time


@dataclass(frozen=True)
class Coach:
    id: int
    name: str
    join_code: str
    telegram_code: str | None
    telegram_user_id: str | None
    created_at: str


@dataclass(frozen=True)
class ParticipantOverview:
    """One line of a coach's list of participants."""

    participant: Participant
    last_seen_at: str
    finished_methods: tuple[str, ...]
    open_method: str | None


class CoachRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> str:
        return stored_time(self._clock())

    async def add(self, name: str, join_code: str, telegram_code: str) -> Coach:
        cursor = await self._db.execute(
            "INSERT INTO coaches (name, join_code, telegram_code, created_at) VALUES (?, ?, ?, ?)",
            (name, join_code, telegram_code, self._now()),
        )
        await self._db.commit()
        assert cursor.lastrowid is not None
        coach = await self.by_id(cursor.lastrowid)
        assert coach is not None
        return coach

    async def by_id(self, coach_id: int) -> Coach | None:
        return await self._one("SELECT * FROM coaches WHERE id = ?", coach_id)

    async def by_name(self, name: str) -> Coach | None:
        return await self._one("SELECT * FROM coaches WHERE name = ?", name)

    async def by_join_code(self, code: str) -> Coach | None:
        return await self._one("SELECT * FROM coaches WHERE join_code = ?", code)

    async def by_telegram(self, telegram_user_id: str) -> Coach | None:
        return await self._one("SELECT * FROM coaches WHERE telegram_user_id = ?", telegram_user_id)

    async def link_telegram(self, telegram_code: str, telegram_user_id: str) -> Coach | None:
        """Use the coach's own code once to tie her Telegram account to her; an account
        that already belongs to a coach cannot become a second one."""
        cursor = await self._db.execute(
            "UPDATE coaches SET telegram_user_id = ?, telegram_code = NULL"
            " WHERE telegram_code = ? AND telegram_user_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM coaches WHERE telegram_user_id = ?)",
            (telegram_user_id, telegram_code, telegram_user_id),
        )
        await self._db.commit()
        if cursor.rowcount != 1:
            return None
        return await self.by_telegram(telegram_user_id)

    async def add_sign_in(self, coach_id: int, token_hash: str, expires_at: datetime) -> None:
        await self._db.execute(
            "INSERT INTO coach_sign_ins (token_hash, coach_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash, coach_id, self._now(), expires_at.astimezone(UTC).isoformat()),
        )
        await self._db.commit()

    async def sign_in_coach(self, token_hash: str) -> Coach | None:
        """The coach of a sign-in link that is neither used nor expired; it stays unused."""
        now = self._clock().astimezone(UTC).isoformat()
        async with self._db.execute(
            "SELECT coach_id FROM coach_sign_ins"
            " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            (token_hash, now),
        ) as found:
            row = await found.fetchone()
        return await self.by_id(row["coach_id"]) if row else None

    async def use_sign_in(self, token_hash: str) -> Coach | None:
        """The coach of a sign-in link that is neither used nor expired; it is used now."""
        now = self._clock().astimezone(UTC)
        cursor = await self._db.execute(
            "UPDATE coach_sign_ins SET used_at = ?"
            " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            (now.isoformat(timespec="seconds"), token_hash, now.isoformat()),
        )
        await self._db.commit()
        if cursor.rowcount != 1:
            return None
        async with self._db.execute(
            "SELECT coach_id FROM coach_sign_ins WHERE token_hash = ?", (token_hash,)
        ) as found:
            row = await found.fetchone()
        return await self.by_id(row["coach_id"]) if row else None

    async def join(self, participant_id: int, coach_id: int) -> None:
        await self._db.execute(
            "UPDATE participants SET coach_id = ?, joined_coach_at = ? WHERE id = ?",
            (coach_id, self._now(), participant_id),
        )
        await self._db.commit()

    async def name_participant(self, coach_id: int, participant_id: int, name: str) -> bool:
        cursor = await self._db.execute(
            "UPDATE participants SET display_name = ? WHERE id = ? AND coach_id = ?",
            (name or None, participant_id, coach_id),
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def set_trajectory(
        self, coach_id: int, participant_id: int, trajectory: str | None
    ) -> bool:
        """Choose her trajectory (None: free), only for a participant of this coach."""
        cursor = await self._db.execute(
            "UPDATE participants SET trajectory = ? WHERE id = ? AND coach_id = ?",
            (trajectory, participant_id, coach_id),
        )
        await self._db.commit()
        return cursor.rowcount == 1

    async def participant(self, coach_id: int, participant_id: int) -> Participant | None:
        """A participant, only when she joined this coach."""
        async with self._db.execute(
            "SELECT * FROM participants WHERE id = ? AND coach_id = ? AND consent = 'given'",
            (participant_id, coach_id),
        ) as cursor:
            row = await cursor.fetchone()
        return participant_from_row(row) if row else None

    async def participants(self, coach_id: int) -> list[ParticipantOverview]:
        """The coach's participants, most recently active first."""
        async with self._db.execute(
            "SELECT * FROM participants WHERE coach_id = ? AND consent = 'given'"
            " ORDER BY last_seen_at DESC, id",
            (coach_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        overviews = []
        for row in rows:
            async with self._db.execute(
                "SELECT flow_id, status FROM flow_runs WHERE participant_id = ? ORDER BY id",
                (row["id"],),
            ) as runs:
                statuses = [(run["flow_id"], run["status"]) async for run in runs]
            overviews.append(
                ParticipantOverview(
                    participant_from_row(row),
                    row["last_seen_at"],
                    tuple(flow for flow, status in statuses if status == "finished"),
                    next((flow for flow, status in statuses if status != "finished"), None),
                )
            )
        return overviews

    async def _one(self, sql: str, value: object) -> Coach | None:
        async with self._db.execute(sql, (value,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return Coach(
            id=row["id"],
            name=row["name"],
            join_code=row["join_code"],
            telegram_code=row["telegram_code"],
            telegram_user_id=row["telegram_user_id"],
            created_at=row["created_at"],
        )
