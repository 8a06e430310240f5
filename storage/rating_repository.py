"""All SQL about the coach's own ratings: per participant, flow and picture the option the
coach chose (e.g. how good she finds the participant at a competence), one current each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import aiosqlite

from storage.records import Clock, stored_time


@dataclass(frozen=True)
class StoredRating:
    picture: str
    option: str
    coach_id: int
    rated_at: str


class RatingRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def save(
        self, participant_id: int, flow_id: str, coach_id: int, ratings: Mapping[str, str]
    ) -> None:
        """Write these ratings (picture → option) over the current ones, all or none.
        Pictures not named keep their rating."""
        now = stored_time(self._clock())
        try:
            await self._db.executemany(
                "INSERT INTO coach_ratings"
                " (participant_id, flow_id, picture, option, coach_id, rated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (participant_id, flow_id, picture) DO UPDATE SET"
                " option = excluded.option, coach_id = excluded.coach_id,"
                " rated_at = excluded.rated_at",
                [
                    (participant_id, flow_id, picture, option, coach_id, now)
                    for picture, option in ratings.items()
                ],
            )
        except BaseException:
            await self._db.rollback()
            raise
        await self._db.commit()

    async def stored(self, participant_id: int, flow_id: str) -> list[StoredRating]:
        """The coach's current ratings of a participant in a flow, oldest picture rated first."""
        async with self._db.execute(
            "SELECT picture, option, coach_id, rated_at FROM coach_ratings"
            " WHERE participant_id = ? AND flow_id = ? ORDER BY rated_at, picture",
            (participant_id, flow_id),
        ) as cursor:
            return [
                StoredRating(row["picture"], row["option"], row["coach_id"], row["rated_at"])
                async for row in cursor
            ]

    async def current(self, participant_id: int, flow_id: str) -> dict[str, str]:
        """The coach's current rating per picture: picture id → option id."""
        return {r.picture: r.option for r in await self.stored(participant_id, flow_id)}
