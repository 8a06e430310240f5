"""Plain records shared by the repository modules: participants, and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def stored_time(moment: datetime) -> str:
    """A moment as every table keeps it: UTC, ISO 8601, to the second. One format, so that
    times of different tables compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Participant:
    id: int
    channel: str
    external_id: str
    consent_given: bool
    consent_at: str
    created_at: str
    coach_id: int | None = None
    display_name: str | None = None
    """What her coach calls her; participants are never asked their name."""
    reminders_off_at: str | None = None
    """When she said she wants no more reminders."""
    aftercare_off_at: str | None = None
    """When her coach switched aftercare off."""
    trajectory: str | None = None
    """The trajectory her coach chose (an id of `bot.trajectories`); None: free."""


def participant_from_row(row: aiosqlite.Row) -> Participant:
    return Participant(
        id=row["id"],
        channel=row["channel"],
        external_id=row["external_id"],
        consent_given=row["consent"] == "given",
        consent_at=row["consent_at"],
        created_at=row["created_at"],
        coach_id=row["coach_id"],
        display_name=row["display_name"],
        reminders_off_at=row["reminders_off_at"],
        aftercare_off_at=row["aftercare_off_at"],
        trajectory=row["trajectory"],
    )
