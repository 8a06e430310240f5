"""The coach's ratings in storage: saved all at once, one current per picture written over in
place; and migration 005 (trajectory, coach_ratings) on a database that already has data."""

from __future__ import annotations

import shutil
from pathlib import Path

import aiosqlite
import pytest

from storage.coach_repository import Coach
from storage.database import MIGRATIONS_DIR, open_database
from storage.repository import DATABASE_FILE, Repository
from tests.conftest import FakeClock, joined


async def test_ratings_are_saved_and_read_back_per_picture(
    repository: Repository, sara: Coach
) -> None:
    mia = await joined(repository, sara)
    await repository.ratings.save(mia, "ladder", sara.id, {"comp_a": "s4", "comp_b": "s2"})
    assert await repository.ratings.current(mia, "ladder") == {"comp_a": "s4", "comp_b": "s2"}
    assert await repository.ratings.current(mia, "klokwijs") == {}
    stored = await repository.ratings.stored(mia, "ladder")
    assert {(r.picture, r.coach_id) for r in stored} == {("comp_a", sara.id), ("comp_b", sara.id)}


async def test_a_new_rating_is_written_over_the_old_one_and_others_stay(
    repository: Repository, sara: Coach
) -> None:
    mia = await joined(repository, sara)
    await repository.ratings.save(mia, "ladder", sara.id, {"comp_a": "s4", "comp_b": "s2"})
    before = {r.picture: r.rated_at for r in await repository.ratings.stored(mia, "ladder")}
    await repository.ratings.save(mia, "ladder", sara.id, {"comp_a": "s5"})
    after = {r.picture: r for r in await repository.ratings.stored(mia, "ladder")}
    assert {picture: r.option for picture, r in after.items()} == {"comp_a": "s5", "comp_b": "s2"}
    assert (
        after["comp_a"].rated_at > before["comp_a"] and after["comp_b"].rated_at == before["comp_b"]
    )


async def test_a_set_that_fails_halfway_saves_nothing(repository: Repository, sara: Coach) -> None:
    mia = await joined(repository, sara)
    await repository.ratings.save(mia, "ladder", sara.id, {"comp_a": "s3"})
    broken: dict[str, str] = {"comp_a": "s1", "comp_b": None}  # type: ignore[dict-item]
    with pytest.raises(aiosqlite.IntegrityError):
        await repository.ratings.save(mia, "ladder", sara.id, broken)
    assert await repository.ratings.current(mia, "ladder") == {"comp_a": "s3"}


async def test_ratings_need_a_real_participant_and_coach(
    repository: Repository, sara: Coach
) -> None:
    mia = await joined(repository, sara)
    for participant, coach in ((mia + 99, sara.id), (mia, sara.id + 99)):
        with pytest.raises(aiosqlite.IntegrityError):
            await repository.ratings.save(participant, "ladder", coach, {"comp_a": "s3"})
    assert await repository.ratings.current(mia, "ladder") == {}


async def test_only_her_own_coach_sets_a_trajectory(repository: Repository, sara: Coach) -> None:
    tom = await repository.coaches.add("Tom", "TOMM45", "TOMMTELEG2")
    mia = await joined(repository, sara)
    assert await repository.coaches.set_trajectory(tom.id, mia, "variant_4") is False
    assert await repository.coaches.set_trajectory(sara.id, mia, "variant_4") is True
    found = await repository.coaches.participant(sara.id, mia)
    assert found is not None and found.trajectory == "variant_4"
    assert await repository.coaches.set_trajectory(sara.id, mia, None) is True
    found = await repository.coaches.participant(sara.id, mia)
    assert found is not None and found.trajectory is None


async def test_migration_005_keeps_an_existing_database_and_starts_free(
    tmp_path: Path, clock: FakeClock
) -> None:
    before_005 = tmp_path / "before_005"
    before_005.mkdir()
    for path in MIGRATIONS_DIR.glob("00[1-4]_*.sql"):
        shutil.copy(path, before_005 / path.name)
    data_dir = tmp_path / "data"
    db = await open_database(data_dir / DATABASE_FILE, before_005)  # POP-bot before 005
    await db.execute(
        "INSERT INTO coaches (id, name, join_code, created_at) VALUES (7, 'Sara', 'SARA23', 'x')"
    )
    await db.execute(
        "INSERT INTO participants (id, channel, external_id, consent, consent_at, created_at,"
        " last_seen_at, coach_id) VALUES (3, 'telegram', '1', 'given', 'x', 'x', 'x', 7)"
    )
    await db.commit()
    await db.close()

    repository = await Repository.open(data_dir, clock)
    try:
        mia = await repository.coaches.participant(7, 3)
        assert mia is not None and mia.external_id == "1" and mia.trajectory is None
        await repository.ratings.save(3, "ladder", 7, {"comp_a": "s4"})
        assert await repository.ratings.current(3, "ladder") == {"comp_a": "s4"}
        assert await repository.coaches.set_trajectory(7, 3, "variant_1")
    finally:
        await repository.close()
