"""All SQL of POP-bot: participants, consent, flow runs, answers and uploaded-file ids.

Every write commits before the method returns, so an answer is safe once it is acknowledged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import aiosqlite

from flows.answers import ANSWER_ADAPTER, Answer, AnswerKey, Answers
from flows.state import RunState
from storage.aftercare_repository import AftercareRepository
from storage.check_in_repository import CheckInRepository
from storage.coach_repository import CoachRepository
from storage.database import open_database
from storage.homework_repository import HomeworkRepository
from storage.outbox_repository import OutboxRepository
from storage.plan_repository import PlanRepository
from storage.rating_repository import RatingRepository
from storage.records import Clock, Participant, participant_from_row, stored_time, utc_now

__all__ = [  # the records live in storage.records; callers may take them from here too
    "DATABASE_FILE",
    "AnswerRecord",
    "Clock",
    "ConsentEvent",
    "Participant",
    "Repository",
    "RunStatus",
    "StoredRun",
    "participant_from_row",
    "status_of",
    "utc_now",
]

RunStatus = Literal["active", "paused", "finished"]
DATABASE_FILE = "popbot.sqlite3"


@dataclass(frozen=True)
class ConsentEvent:
    given: bool
    at: str


@dataclass(frozen=True)
class StoredRun:
    id: int
    participant_id: int
    flow_id: str
    status: RunStatus
    state: RunState
    started_at: str
    updated_at: str
    finished_at: str | None


@dataclass(frozen=True)
class AnswerRecord:
    """One row of the answer history; `answer` is None where an answer was cleared."""

    key: AnswerKey
    answer: Answer | None
    answered_at: str


def status_of(state: RunState) -> RunStatus:
    if state.finished:
        return "finished"
    return "paused" if state.paused else "active"


class Repository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock
        self.check_ins = CheckInRepository(db, clock)
        """Her answers to the check-ins on her plan's actions, and the alerts to coaches."""
        self.coaches = CoachRepository(db, clock)
        """Coaches and who joined them: the same database and clock."""
        self.homework = HomeworkRepository(db, clock)
        """Homework and the messages the bot sends by itself."""
        self.outbox = OutboxRepository(db, clock)
        """The messages the bot sends by itself: claimed, sent, tried again or given up."""
        self.plans = PlanRepository(db, clock)
        """Action plans (POPs)."""
        self.ratings = RatingRepository(db, clock)
        self.aftercare = AftercareRepository(db, clock)
        """The coach's own ratings beside the participant's (flows with coach_rating)."""

    @classmethod
    async def open(cls, data_dir: Path, clock: Clock = utc_now) -> Repository:
        return cls(await open_database(data_dir / DATABASE_FILE), clock)

    async def close(self) -> None:
        await self._db.close()

    def _now(self) -> str:
        return stored_time(self._clock())

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """Commit everything the block wrote, or roll all of it back if the block fails
        (else a later commit on this shared connection would store the half-done writes)."""
        try:
            yield
        except BaseException:
            await self._db.rollback()
            raise
        await self._db.commit()

    # ----- participants and consent --------------------------------------------------------

    async def participant_by_id(self, participant_id: int) -> Participant | None:
        async with self._db.execute(
            "SELECT * FROM participants WHERE id = ?", (participant_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return participant_from_row(row) if row else None

    async def participant(self, channel: str, external_id: str) -> Participant | None:
        async with self._db.execute(
            "SELECT * FROM participants WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        ) as cursor:
            row = await cursor.fetchone()
        return participant_from_row(row) if row else None

    async def record_consent(self, channel: str, external_id: str, given: bool) -> Participant:
        now = self._now()
        consent = "given" if given else "refused"
        async with self._transaction():
            await self._db.execute(
                "INSERT INTO participants"
                " (channel, external_id, consent, consent_at, created_at, last_seen_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (channel, external_id) DO UPDATE SET"
                " consent = excluded.consent, consent_at = excluded.consent_at,"
                " last_seen_at = excluded.last_seen_at",
                (channel, external_id, consent, now, now, now),
            )
            await self._db.execute(
                "INSERT INTO consent_events (participant_id, given, at)"
                " SELECT id, ?, ? FROM participants WHERE channel = ? AND external_id = ?",
                (int(given), now, channel, external_id),
            )
        participant = await self.participant(channel, external_id)
        assert participant is not None
        return participant

    async def consent_history(self, participant_id: int) -> list[ConsentEvent]:
        async with self._db.execute(
            "SELECT given, at FROM consent_events WHERE participant_id = ? ORDER BY id",
            (participant_id,),
        ) as cursor:
            return [ConsentEvent(bool(row["given"]), row["at"]) async for row in cursor]

    # ----- flow runs and answers -----------------------------------------------------------

    async def open_run(self, participant_id: int) -> StoredRun | None:
        """The run the participant is in the middle of (active or paused), if any."""
        async with self._db.execute(
            "SELECT * FROM flow_runs WHERE participant_id = ? AND status != 'finished'"
            " ORDER BY id DESC LIMIT 1",
            (participant_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return _run(row) if row else None

    async def runs(self, participant_id: int) -> list[StoredRun]:
        async with self._db.execute(
            "SELECT * FROM flow_runs WHERE participant_id = ? ORDER BY id", (participant_id,)
        ) as cursor:
            return [_run(row) async for row in cursor]

    async def start_run(self, participant_id: int, flow_id: str, state: RunState) -> StoredRun:
        now = self._now()
        async with self._transaction():
            cursor = await self._db.execute(
                "INSERT INTO flow_runs"
                " (participant_id, flow_id, status, state, started_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (participant_id, flow_id, status_of(state), state.model_dump_json(), now, now),
            )
            await self._touch(participant_id, now)
        assert cursor.lastrowid is not None
        return StoredRun(
            cursor.lastrowid, participant_id, flow_id, status_of(state), state, now, now, None
        )

    async def save_run(
        self,
        run: StoredRun,
        state: RunState,
        writes: Sequence[tuple[AnswerKey, Answer | None]] = (),
    ) -> StoredRun:
        """Store the new state and the answers in one transaction."""
        now = self._now()
        status = status_of(state)
        finished_at = now if status == "finished" else None
        async with self._transaction():
            await self._db.executemany(
                "INSERT INTO answers (run_id, step, item, value, answered_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        run.id,
                        key.step,
                        key.item,
                        None if answer is None else answer.model_dump_json(),
                        now,
                    )
                    for key, answer in writes
                ],
            )
            await self._db.execute(
                "UPDATE flow_runs SET status = ?, state = ?, updated_at = ?, finished_at = ?"
                " WHERE id = ?",
                (status, state.model_dump_json(), now, finished_at, run.id),
            )
            await self._touch(run.participant_id, now)
        return StoredRun(
            run.id,
            run.participant_id,
            run.flow_id,
            status,
            state,
            run.started_at,
            now,
            finished_at,
        )

    async def answers(self, run_id: int) -> Answers:
        """The current answers of a run: the newest per step and item, cleared ones left out."""
        current: Answers = {}
        for record in await self.answer_history(run_id):
            if record.answer is None:
                current.pop(record.key, None)
            else:
                current[record.key] = record.answer
        return current

    async def answer_history(self, run_id: int) -> list[AnswerRecord]:
        async with self._db.execute(
            "SELECT step, item, value, answered_at FROM answers WHERE run_id = ? ORDER BY id",
            (run_id,),
        ) as cursor:
            return [
                AnswerRecord(
                    AnswerKey(step=row["step"], item=row["item"]),
                    None if row["value"] is None else ANSWER_ADAPTER.validate_json(row["value"]),
                    row["answered_at"],
                )
                async for row in cursor
            ]

    async def _touch(self, participant_id: int, now: str) -> None:
        await self._db.execute(
            "UPDATE participants SET last_seen_at = ? WHERE id = ?", (now, participant_id)
        )

    # ----- Telegram file ids ---------------------------------------------------------------

    async def telegram_file_id(self, image_key: str) -> str | None:
        async with self._db.execute(
            "SELECT file_id FROM telegram_files WHERE image_key = ?", (image_key,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row["file_id"]) if row else None

    async def remember_telegram_file_id(self, image_key: str, file_id: str) -> None:
        await self._db.execute(
            "INSERT INTO telegram_files (image_key, file_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (image_key) DO UPDATE SET file_id = excluded.file_id",
            (image_key, file_id, self._now()),
        )
        await self._db.commit()

    async def forget_telegram_file_id(self, image_key: str) -> None:
        await self._db.execute("DELETE FROM telegram_files WHERE image_key = ?", (image_key,))
        await self._db.commit()


def _run(row: aiosqlite.Row) -> StoredRun:
    return StoredRun(
        id=row["id"],
        participant_id=row["participant_id"],
        flow_id=row["flow_id"],
        status=row["status"],
        state=RunState.model_validate_json(row["state"]),
        started_at=row["started_at"],
        updated_at=row["updated_at"],
        finished_at=row["finished_at"],
    )
